from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.errors import InvalidComponent, InvalidFormat, InvalidType
from carm.tariff import (
    Eligibility,
    load_schedule,
    treatment,
    treatments_for,
)
from carm.tariff.treatments import default_table

ON = date(2026, 10, 1)


def abbreviations(origin: str, as_of: date = ON, **kwargs: bool) -> list[str]:
    return [t.abbreviation for t in treatments_for(origin=origin, as_of=as_of, **kwargs)]


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("US", ["MFN", "UST"]),
        ("MX", ["MFN", "MXT", "CPTPT"]),
        ("CN", ["MFN"]),
        ("KP", ["GT"]),
        ("FR", ["MFN", "CEUT"]),
        ("GB", ["MFN", "UKT", "CPUKT"]),
        ("JP", ["MFN", "CPTPT"]),
        ("CL", ["MFN", "CT", "CPTPT"]),
        ("PE", ["MFN", "PT", "CPTPT"]),
        ("CH", ["MFN", "SLT"]),
        ("IL", ["MFN", "CIAT"]),
        ("KR", ["MFN", "KRT"]),
        ("UA", ["MFN", "UAT"]),
        ("AU", ["MFN", "AUT", "CPTPT"]),
        ("JM", ["MFN", "CCCT"]),
        ("BD", ["MFN", "LDCT"]),
        ("mx", ["MFN", "MXT", "CPTPT"]),
    ],
)
def test_treatments_for(origin: str, expected: list[str]) -> None:
    assert abbreviations(origin) == expected


def test_dates_matter() -> None:
    assert abbreviations("GB", date(2020, 6, 1)) == ["MFN", "CEUT"]
    assert abbreviations("GB", date(2021, 2, 1)) == ["MFN"]
    assert abbreviations("GB", date(2021, 4, 1)) == ["MFN", "UKT"]
    assert abbreviations("VN", date(2019, 1, 13)) == ["MFN"]
    assert abbreviations("VN", date(2019, 1, 14)) == ["MFN", "CPTPT"]


def test_without_proof_of_origin_only_mfn_or_gt() -> None:
    assert abbreviations("MX", proof_of_origin=False) == ["MFN"]
    assert abbreviations("KP", proof_of_origin=False) == ["GT"]


def test_treatment_codes() -> None:
    assert treatment("UST").code == "10"
    assert treatment("2").abbreviation == "MFN"
    assert treatment("02").abbreviation == "MFN"
    assert treatment("cptpt").code == "33"
    assert treatment("CPUKT").code is None
    with pytest.raises(InvalidComponent, match="is not a tariff treatment"):
        treatment("XYZ")


@pytest.mark.parametrize(
    ("origin", "kind"), [("ZZ", InvalidComponent), ("USA", InvalidFormat), (1, InvalidType)]
)
def test_bad_origin(origin: object, kind: type[Exception]) -> None:
    with pytest.raises(kind) as caught:
        treatments_for(origin=origin, as_of=ON)  # type: ignore[arg-type]
    assert caught.value.path == "origin"  # type: ignore[attr-defined]


def test_every_bundled_row_has_a_source() -> None:
    table = default_table()
    assert table.rows
    for row in table.rows:
        assert row.source
        assert row.countries
    assert table.sources("UST", "US", ON)[0].verified


def test_a_user_table_adds_gpt_beneficiaries() -> None:
    table = default_table().with_rows(
        [Eligibility("GPT", frozenset({"IN"}), date(2015, 1, 1), None, False, "my broker")]
    )
    assert [t.abbreviation for t in table.treatments_for("IN", ON)] == ["MFN", "GPT"]
    assert abbreviations("IN") == ["MFN"]  # the default table is unchanged
    with pytest.raises(InvalidComponent, match="is not a treatment of this table"):
        default_table().with_rows(
            [Eligibility("XX", frozenset({"IN"}), date(2015, 1, 1), None, False, "typo")]
        )


@given(st.sampled_from(sorted({c for row in default_table().rows for c in row.countries})))
def test_mfn_or_gt_always_comes_first(origin: str) -> None:
    found = abbreviations(origin)
    assert found[0] in ("MFN", "GT")
    assert len(found) == len(set(found))


# --- options ---------------------------------------------------------------------------------------


def test_options_recommend_the_lowest_duty() -> None:
    line = load_schedule().lookup("6109.10.00.11")
    choice = line.options(origin="MX", as_of=ON, value_for_duty=Decimal("1000"))
    assert [(o.treatment.abbreviation, o.duty) for o in choice.options] == [
        ("MFN", Decimal("180")),
        ("MXT", Decimal("0")),
        ("CPTPT", Decimal("0")),
    ]
    assert choice.recommended is not None
    assert choice.recommended.treatment.abbreviation == "MXT"
    assert "Recommended: MXT" in choice.explain()


def test_options_without_proof_of_origin() -> None:
    line = load_schedule().lookup("6109.10.00.11")
    choice = line.options(origin="MX", as_of=ON, proof_of_origin=False)
    assert [o.treatment.abbreviation for o in choice.options] == ["MFN"]
    assert choice.recommended is choice.options[0]


def test_options_compare_ad_valorem_rates_without_a_value() -> None:
    line = load_schedule().lookup("6109.10.00.11")
    choice = line.options(origin="US", as_of=ON)
    assert choice.recommended is not None
    assert choice.recommended.treatment.abbreviation == "UST"
    assert all(o.duty is None for o in choice.options)


def test_options_mark_unavailable_treatments() -> None:
    line = load_schedule().lookup("0406.10.20.00")  # over access: MFN only, CPUKT N/A
    choice = line.options(
        origin="GB", as_of=ON, value_for_duty=Decimal(100), quantities={"KGM": Decimal(100)}
    )
    by_code = {o.treatment.abbreviation: o for o in choice.options}
    assert not by_code["CPUKT"].available
    assert by_code["CPUKT"].note == "N/A on this line"
    assert by_code["UKT"].note == "no rate for this treatment on this line"
    assert choice.recommended is by_code["MFN"]
    assert by_code["MFN"].duty == Decimal("452.00")


def test_options_need_quantities_for_specific_rates() -> None:
    line = load_schedule().lookup("0406.10.20.00")
    choice = line.options(origin="FR", as_of=ON)
    assert choice.recommended is None
    assert "quantities" in choice.reason
    valued = line.options(origin="FR", as_of=ON, value_for_duty=Decimal(100))
    assert valued.recommended is None
    assert valued.options[0].note is not None
    assert "needs a quantity in KGM" in valued.options[0].note


def test_default_table_is_shared() -> None:
    from carm.tariff import TreatmentTable

    assert TreatmentTable.default() is default_table()

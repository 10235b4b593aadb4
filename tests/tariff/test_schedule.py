import csv
import gzip
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest

from carm.errors import InvalidFormat, InvalidLength, NotInEffect, UnknownCode
from carm.tariff import NotAvailable, load_schedule, parse_preferential, parse_rate


@pytest.fixture(scope="module")
def bundled_rows() -> list[dict[str, str]]:
    raw = resources.files("carm.tariff").joinpath("data", "T2026-2.csv.gz").read_bytes()
    return list(csv.DictReader(gzip.decompress(raw).decode("utf-8").splitlines()))


def test_every_bundled_rate_text_parses(bundled_rows: list[dict[str, str]]) -> None:
    assert len(bundled_rows) == 833
    for row in bundled_rows:
        mfn = parse_rate(row["mfn_tariff"])
        assert parse_rate(mfn.text) == mfn
        for rate in parse_preferential(row["preferential_tariffs"]).values():
            assert parse_rate(rate.text) == rate


def test_every_line_has_an_mfn_rate_and_a_known_unit(bundled_rows: list[dict[str, str]]) -> None:
    schedule = load_schedule()
    lines = list(schedule)
    assert len(lines) == len(schedule)
    for line in lines:
        assert "MFN" in line.rates
        assert line.uom in (
            None,
            "NMB",
            "KGM",
            "LTR",
            "HLT",
            "LPA",
            "PAR",
            "DZN",
            "MIL",
            "MTK",
            "TNE",
        )


def test_lookup_by_every_spelling() -> None:
    schedule = load_schedule()
    line = schedule.lookup("6109.10.00.11")
    assert schedule.lookup("6109100011") is line
    assert schedule.lookup(" 6109 10 00 11 ") is line
    assert line.classification == "6109.10.00.11"
    assert line.tariff_item == "6109.10.00"
    assert line.hs6 == "610910"
    assert line.uom == "NMB"
    assert line.edition == "T2026-2"
    assert line.short_description.startswith("T-shirts, all white")
    assert line.rate("MFN").text == "18%"
    assert line.rate("UST").text == "Free"
    assert line.rate("10").text == "Free"  # UST by its CBSA code
    assert line.rate("GT") == NotAvailable()  # not on the line: unavailable
    assert line.rate("MFN").duty(Decimal("1200.00")) == Decimal("216.00")


def test_eight_digits_give_the_tariff_item() -> None:
    schedule = load_schedule()
    item = schedule.lookup("6109.10.00")
    assert item.classification is None
    assert item.code == "6109.10.00"
    assert (
        item.description == "T-shirts, singlets and other vests, knitted or crocheted. - Of cotton"
    )
    # an item the source lists only through its classifications gets their common description
    only_suffixes = schedule.lookup("0406.10.20")
    assert only_suffixes.rates["MFN"].text == "245.5% but not less than $4.52/kg"


@pytest.mark.parametrize(
    ("code", "kind", "message"),
    [
        ("7701.00.00", UnknownCode, "no such chapter 77 in HS 2022"),
        # UN Comtrade's "commodities not specified according to kind" is not HS 2022
        ("9999.99.00", UnknownCode, "no such chapter 99 in HS 2022"),
        ("6199.00.00", UnknownCode, "no such heading 6199 in chapter 61 in HS 2022"),
        ("6109.99.00", UnknownCode, "no such subheading 6109.99 in heading 6109 in HS 2022"),
        ("6109.10.99", UnknownCode, "no tariff item 6109.10.99 in edition T2026-2"),
        ("6109.10.00.13", UnknownCode, "no classification 6109.10.00.13 in edition T2026-2"),
        ("6109.10", InvalidLength, "names an HS code, not a tariff line"),
        ("61091", InvalidLength, "has the wrong length"),
        ("6109.1O.00", InvalidFormat, "a tariff code is digits"),
    ],
)
def test_bad_codes_say_which_part_is_wrong(code: str, kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message) as caught:
        load_schedule().lookup(code)
    assert caught.value.value == code  # type: ignore[attr-defined]
    assert caught.value.path == "code"  # type: ignore[attr-defined]


def test_unknown_code_suggests_the_neighbours() -> None:
    with pytest.raises(UnknownCode) as caught:
        load_schedule().lookup("9503.00.00.90")
    assert caught.value.expected == "one of 9503.00.10, 9503.00.90"
    assert "(an excerpt of the schedule)" in str(caught.value)


def test_hierarchy() -> None:
    schedule = load_schedule()
    assert [(n.level, n.code) for n in schedule.ancestors("9503.00.90.91")] == [
        ("tariff item", "9503.00.90"),
        ("subheading", "9503.00"),
        ("heading", "9503"),
        ("chapter", "95"),
        ("section", "XX"),
    ]
    assert [n.code for n in schedule.children("9503.00")] == ["9503.00.10", "9503.00.90"]
    assert [n.code for n in schedule.children("9503.00.10")] == ["9503.00.10.10", "9503.00.10.90"]
    assert schedule.children("9503.00.10.10") == ()
    assert [n.code for n in schedule.children("XI")][:2] == ["50", "51"]
    assert [n.code for n in schedule.children("61")][:2] == ["6101", "6102"]
    assert schedule.node("xx").description.startswith("Miscellaneous manufactured articles")
    assert schedule.node("95").level == "chapter"
    assert schedule.ancestors("XI") == ()
    with pytest.raises(UnknownCode, match="no section XXII"):
        schedule.node("XXII")


def test_every_classification_walks_up_to_a_section() -> None:
    schedule = load_schedule()
    for line in schedule.classifications():
        chain = schedule.ancestors(line.code)
        assert [n.level for n in chain] == [
            "tariff item",
            "subheading",
            "heading",
            "chapter",
            "section",
        ]
        assert chain[1].code.replace(".", "") == line.hs6


def test_as_of_picks_the_edition_in_effect() -> None:
    assert load_schedule(as_of=date(2026, 10, 1)) is load_schedule()
    with pytest.raises(
        NotInEffect, match="no edition of the Customs Tariff is in effect on 2026-08-31"
    ):
        load_schedule(as_of=date(2026, 8, 31))


def test_the_lines_under_a_subheading_are_those_iteration_finds() -> None:
    schedule = load_schedule()
    subheadings = {line.hs6 for line in schedule}
    assert len(subheadings) > 100
    for hs6 in subheadings:
        assert list(schedule.under(hs6)) == [line for line in schedule if line.hs6 == hs6]
    assert list(schedule.under("999999")) == []

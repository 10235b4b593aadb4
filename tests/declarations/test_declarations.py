import contextlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm import declarations as decl
from carm.errors import CarmError
from carm.identifiers import transaction_number as txn

D = Decimal
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cad" / "multi_invoice.json"
RATES = {"USD": "1.3712", "EUR": "1.6021"}


@pytest.fixture
def cad() -> decl.Declaration:
    return decl.from_json(EXAMPLE.read_text())


def test_the_example_validates_assesses_and_round_trips(cad: decl.Declaration) -> None:
    assert decl.validate(cad) is cad
    assessed = decl.assess(cad, exchange_rates=RATES)
    assert assessed.assessed
    # BD: LDCT free; 610 USD x 1.3712 = 836.43, GST 41.82. FR cheese: 380 EUR x 1.6021 = 608.80,
    # 245.5% = 1494.60 (beats 40 kg x $4.52), GST 5% of 2103.40 = 105.17.
    totals = [line.assessed.total for _, line in assessed.lines if line.assessed]
    assert totals == [D("41.82"), D("57.59"), D("28.49"), D("1599.77")]
    assert assessed.total == D("1727.67")
    assert [inv.exchange_rate for inv in assessed.invoices] == [
        D("1.3712"),
        D("1.3712"),
        D("1.6021"),
    ]
    assert decl.from_json(decl.to_json(assessed)) == assessed


def test_every_problem_with_its_path(cad: decl.Declaration) -> None:
    bad = attrs.evolve(
        cad,
        header=attrs.evolve(
            cad.header,
            importer="123026635RT0001",
            transaction_number="12345000042707",
            office="49",
            province="ZZ",
        ),
        invoices=(
            attrs.evolve(cad.invoices[0], treatment="UST", direct_shipment_date=date(2026, 10, 20)),
            attrs.evolve(
                cad.invoices[1],
                lines=(
                    attrs.evolve(
                        cad.invoices[1].lines[0], classification="6109.10.00.99", vfd_code="99"
                    ),
                ),
            ),
            attrs.evolve(
                cad.invoices[2],
                lines=(
                    attrs.evolve(cad.invoices[2].lines[0], uom="LTR", quantity=None, weight=None),
                ),
            ),
        ),
    )
    with pytest.raises(decl.DeclarationError) as caught:
        decl.validate(bad)
    assert caught.value.paths == (
        "header.importer",
        "header.transaction_number",
        "header.office",
        "header.province",
        "invoices[0].direct_shipment_date",
        "invoices[0].treatment",
        "invoices[1].lines[0].classification",
        "invoices[1].lines[0].vfd_code",
        "invoices[2].lines[0].uom",
        "invoices[2].lines[0].quantity",
    )
    messages = [str(e) for e in caught.value.errors]
    assert (
        "invoices[1].lines[0].classification: 6109.10.00.99 is not in the tariff on 2026-10-15"
        in messages[6]
    )
    assert "tariff treatment UST is not allowed for goods of BD" in messages[5]


def test_sima_flag_where_a_measure_applies(cad: decl.Declaration) -> None:
    with pytest.raises(decl.DeclarationError) as caught:
        decl.validate(cad, sima_items=["0406.10.20"])
    assert caught.value.paths == ("invoices[2].lines[0].sima_subject",)
    flagged = attrs.evolve(
        cad,
        invoices=(
            *cad.invoices[:2],
            attrs.evolve(
                cad.invoices[2], lines=(attrs.evolve(cad.invoices[2].lines[0], sima_subject="N"),)
            ),
        ),
    )
    decl.validate(flagged, sima_items=["0406.10.20"])


def test_a_correction_before_the_due_date_and_an_adjustment_after(cad: decl.Declaration) -> None:
    assessed = decl.assess(cad, exchange_rates=RATES)
    # Released 2026-10-15: statement 2026-10-25, due 2026-10-30.
    corrected = assessed.correct(
        {"invoices[1].lines[1].value": "380.00"}, reasons=["R2-74-1-VFD"], on=date(2026, 10, 28)
    )
    assert (corrected.version, corrected.kind, corrected.header.transaction_number) == (
        2,
        "correction",
        cad.header.transaction_number,
    )
    difference = decl.diff(assessed, corrected)
    assert [(c.path, c.old, c.new) for c in difference.changes] == [
        ("invoices[1].lines[1].value", D("415.50"), D("380.00"))
    ]
    # 35.50 USD less x 1.3712 = 48.68 less value for duty; GST 5%: 2.43-2.44 less
    assert difference.total == D("-2.44")
    adjusted = assessed.correct(
        {"invoices[0].treatment": "MFN"}, reasons=["R3-32.2.TT"], on=date(2027, 1, 20)
    )
    assert adjusted.kind == "adjustment"
    # LDCT withdrawn: 18% of 836.43 = 150.56 duty, GST on it 7.53
    assert decl.diff(assessed, adjusted).total == D("158.09")


def test_reason_codes_are_checked(cad: decl.Declaration) -> None:
    assessed = decl.assess(cad, exchange_rates=RATES)
    with pytest.raises(decl.DeclarationError) as caught:
        assessed.correct(
            {"invoices[1].lines[1].value": "380.00"},
            reasons=["R3-32.2.VFD", "R2-74-1-VFD"],
            on=date(2026, 11, 2),
        )
    assert (
        caught.value.errors[0].message
        == "a refund's first reason code must support the refund (s.74)"
    )
    with pytest.raises(decl.DeclarationError) as caught:
        assessed.correct(
            {"invoices[0].treatment": "MFN"},
            reasons=["R2-74-1-TT", "R3-32.2.TT"],
            on=date(2026, 11, 2),
        )
    assert "amount-owing code (s.32.2) comes first" in str(caught.value.errors[0])
    with pytest.raises(decl.DeclarationError) as caught:
        assessed.correct(
            {"invoices[9].treatment": "MFN", "header.transaction_number": "1"},
            reasons=["bogus"],
            on=date(2031, 1, 1),
        )
    assert caught.value.paths == ("reasons[0]", "on", "changes", "changes")


def test_time_limit_from_reason_to_believe(cad: decl.Declaration) -> None:
    assessed = decl.assess(cad, exchange_rates=RATES)
    with pytest.raises(decl.DeclarationError, match="the change cannot be made"):
        assessed.correct(
            {"invoices[0].treatment": "MFN"},
            reasons=["R3-32.2.TT"],
            on=date(2027, 6, 1),
            reason_to_believe=date(2027, 1, 2),
        )
    ok = assessed.correct(
        {"invoices[0].treatment": "MFN"},
        reasons=["R3-32.2.TT"],
        on=date(2027, 3, 1),
        reason_to_believe=date(2027, 1, 2),
    )
    assert ok.kind == "adjustment"


def test_from_estimate() -> None:
    import carm

    est = carm.estimate(carm.Shipment(
        province="ON", release_date=date(2026, 10, 15), exchange_rates={"USD": D("1.3712")},
        lines=[carm.Line(classification="6109.10.00.11", value=D("1200"), currency="USD", origin="CN", quantity=D("100"))],
    ))  # fmt: skip
    header = decl.Header("123026635RM0001", txn.make(account_security="12345", sequence=1), "AB", "0497",
                         date(2026, 10, 15), "2", "ON")  # fmt: skip
    cad = decl.from_estimate(est, header=header, vendor="Shenzhen Apparel Co.")
    assert cad.total == est.total
    assert decl.assess(decl.validate(cad)).total == est.total


def test_bad_documents() -> None:
    with pytest.raises(decl.DeclarationError, match="not JSON"):
        decl.from_json("{")
    document = json.loads(EXAMPLE.read_text())
    document["header"]["colour"] = "red"
    document["invoices"][0]["lines"][0]["value"] = "lots"
    del document["invoices"][1]["vendor"]
    with pytest.raises(decl.DeclarationError) as caught:
        decl.from_json(json.dumps(document))
    assert set(caught.value.paths) >= {"invoices[0].lines[0].value", "invoices[1].vendor"}


def mutate(document: object, choices: st.DataObject) -> object:
    if isinstance(document, dict) and document:
        key = choices.draw(st.sampled_from(sorted(document)))
        return {**document, key: mutate(document[key], choices)}
    if isinstance(document, list) and document:
        index = choices.draw(st.integers(0, len(document) - 1))
        return [*document[:index], mutate(document[index], choices), *document[index + 1 :]]
    return choices.draw(
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=8),
            st.booleans(),
            st.lists(st.integers(), max_size=2),
        )
    )


@given(st.data())
def test_only_carm_errors_escape_from_mutated_documents(data: st.DataObject) -> None:
    document = mutate(json.loads(EXAMPLE.read_text()), data)
    with contextlib.suppress(CarmError):
        decl.assess(decl.from_json(json.dumps(document)), exchange_rates=RATES)

"""Invariants of estimates over generated shipments (hypothesis)."""

from datetime import date
from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

import carm
from carm import Excise, Line, Shipment

# (classification, unit quantity given, excise) from the bundled schedule: ad valorem, specific
# floor, surtaxed, excise goods, free.
PRODUCTS = [
    ("6109.10.00.11", "NMB", None),
    ("0406.10.20.00", "KGM", None),
    ("8703.80.00.10", "NMB", None),
    ("8703.80.00.10", "NMB", Excise("luxury-vehicle")),
    ("2402.20.00.00", "MIL", Excise("cigarettes")),
    ("9503.00.90.91", None, None),
    ("2204.21.10.92", "LTR", Excise("wine", rate="$0.730/litre")),
]

values = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("200000"), places=2)
quantities = st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2)
lines = st.builds(
    lambda product, value, quantity, origin: Line(
        classification=product[0],
        value=value,
        origin=origin,
        quantity=quantity if product[1] else None,
        excise=product[2],
        alcohol=Decimal("12") if product[0].startswith("2204") else None,
    ),
    st.sampled_from(PRODUCTS),
    values,
    quantities,
    st.sampled_from(["CN", "US", "MX", "FR", "JP", "GB"]),
)
shipments = st.builds(
    lambda ls, province, importation, mode: Shipment(
        lines=ls,
        release_date=date(2026, 10, 15),
        province=province,
        importation=importation,
        mode=mode,
        shipped_from="US",
    ),
    st.lists(lines, min_size=1, max_size=4),
    st.sampled_from(["ON", "QC", "BC", "AB", "NS"]),
    st.sampled_from(["commercial", "casual"]),
    st.sampled_from(["courier", "postal", "other"]),
)
AMOUNTS = ("customs_duty", "surtax", "sima", "excise_duty", "excise_tax", "gst_hst", "pst")


@given(shipments)
def test_totals_are_sums_of_lines_and_nothing_is_negative(shipment: Shipment) -> None:
    est = carm.estimate(shipment)
    for name in (*AMOUNTS, "value_for_duty", "value_for_tax", "total"):
        assert getattr(est, name) == sum(getattr(line, name) for line in est.lines)
    for line in est.lines:
        for name in AMOUNTS:
            amount = getattr(line, name)
            assert amount >= 0
            assert amount == amount.quantize(Decimal("0.01"))
        assert line.total == line.total_duties + line.total_taxes
    assert est.total == est.total_duties + est.total_taxes


@given(shipments, st.integers(min_value=0, max_value=3), values)
def test_raising_a_value_never_lowers_any_duty_or_tax(
    shipment: Shipment, which: int, extra: Decimal
) -> None:
    index = which % len(shipment.lines)
    lines = list(shipment.lines)
    original = lines[index]
    lines[index] = attrs.evolve(original, value=Decimal(original.value) + extra)
    before = carm.estimate(shipment)
    after = carm.estimate(attrs.evolve(shipment, lines=lines))
    for name in AMOUNTS:
        assert getattr(after, name) >= getattr(before, name), name


@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("40"), places=2),
    st.sampled_from(["US", "MX"]),
)
def test_below_the_courier_threshold_nothing_is_due(value: Decimal, country: str) -> None:
    est = carm.estimate(
        Shipment(
            lines=[
                Line(classification="6109.10.00.11", value=value, origin="CN", quantity=Decimal(1))
            ],
            release_date=date(2026, 10, 15),
            province="ON",
            mode="courier",
            shipped_from=country,
        )
    )
    assert est.total == 0
    assert est.low_value.duties_relieved
    assert est.low_value.taxes_relieved


@given(st.lists(shipments, min_size=1, max_size=5))
def test_bulk_estimates_are_the_one_by_one_estimates(batch: list[Shipment]) -> None:
    # estimate_many keeps lookups per context, checks plain lines by a shortcut and keeps figures
    # without steps: none of it may change a figure, a text or the working read afterwards.
    one_by_one = [carm.estimate(shipment) for shipment in batch]
    bulk = carm.estimate_many(batch)
    assert [e.lines for e in bulk] == [e.lines for e in one_by_one]
    assert [e.low_value for e in bulk] == [e.low_value for e in one_by_one]
    assert bulk[-1].explain() == one_by_one[-1].explain()

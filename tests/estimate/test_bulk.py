import pickle
import sys
from datetime import date
from decimal import Decimal

import pytest

import carm
from carm import Line, Shipment
from carm.errors import InvalidComponent, ValidationErrors
from carm.estimate._bulk import _one
from carm.estimate._model import Settings
from carm.estimate._wire import pack, unpack


def shipment(value: str, origin: str = "CN", classification: str = "6109.10.00.11") -> Shipment:
    return Shipment(
        lines=[
            Line(
                classification=classification,
                value=Decimal(value),
                origin=origin,
                quantity=Decimal(1),
            )
        ],
        release_date=date(2026, 10, 15),
        province="ON",
    )


def test_estimate_many_matches_one_by_one() -> None:
    batch = [shipment(str(v)) for v in range(100, 300, 10)]
    many = carm.estimate_many(batch)
    assert [e.total for e in many] == [carm.estimate(s).total for s in batch]
    assert many[0].total == Decimal("23.90")  # 18.00 duty + 5% of 118.00


def test_bulk_working_is_worked_out_once_per_shipment_when_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = [Line("6109.10.00.11", Decimal(v), "CN", quantity=Decimal(1)) for v in (100, 200, 300)]
    batch = [Shipment(lines, date(2026, 10, 15), "ON")]
    (bulk,) = carm.estimate_many(batch)
    calls = []
    real = carm.estimate
    engine = sys.modules["carm.estimate._engine"]  # carm.estimate is the function
    monkeypatch.setattr(engine, "estimate", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert bulk.explain() == real(batch[0]).explain()
    assert [line.steps for line in bulk.lines] == [line.steps for line in real(batch[0]).lines]
    assert len(calls) == 1


def test_workers_give_the_same_results_in_order() -> None:
    batch = [shipment(str(v), origin=("CN", "MX", "US")[v % 3]) for v in range(100, 400)]
    one = carm.estimate_many(batch)
    two = carm.estimate_many(batch, workers=2, chunk_size=16)
    assert [e.total for e in two] == [e.total for e in one]
    assert [e.lines for e in two] == [e.lines for e in one]  # every field, quotes included
    assert [e.to_dict() for e in two] == [e.to_dict() for e in one]  # amounts to the digit
    assert two[5].shipment is batch[5]
    assert "18% of" in two[2].explain()  # 102 % 3 == 0: goods of China, MFN


def test_errors_are_collected_across_shipments() -> None:
    batch = [shipment("10"), shipment("10", classification="7701.00.00"), shipment("-5")]
    with pytest.raises(ValidationErrors) as caught:
        carm.estimate_many(batch, workers=2, chunk_size=1)
    assert caught.value.paths == (
        "shipments[1].lines[0].classification",
        "shipments[2].lines[0].value",
    )
    assert str(caught.value).startswith("2 of 3 shipments cannot be estimated")
    returned = carm.estimate_many(batch, errors="return")
    assert isinstance(returned[0], carm.Estimate)
    assert isinstance(returned[1], ValidationErrors)


def test_bad_arguments() -> None:
    with pytest.raises(InvalidComponent):
        carm.estimate_many([], workers=0)
    with pytest.raises(InvalidComponent):
        carm.estimate_many([], errors="ignore")  # type: ignore[arg-type]


def test_progress_bar_runs() -> None:
    assert len(carm.estimate_many([shipment("10")] * 3, progress=True)) == 3


def test_options_compare_landed_cost_under_each_treatment() -> None:
    est = carm.estimate(shipment("100", origin="MX"))
    (line,) = est.options()
    assert line.chosen == "MXT"
    assert [(o.treatment, o.customs_duty, o.line_total) for o in line.options] == [
        ("MFN", Decimal("18.00"), Decimal("23.90")),
        ("MXT", Decimal("0.00"), Decimal("5.00")),
        ("CPTPT", Decimal("0.00"), Decimal("5.00")),
    ]
    assert "* MXT" in line.explain()


def test_what_workers_send_back_becomes_the_same_estimates() -> None:
    cigarettes = Line(
        "2402.20.00.00", Decimal("500"), "CN", quantity=Decimal(2), excise="cigarettes"
    )
    batch = [
        shipment("100"),
        shipment("10", classification="7701.00.00"),  # no such classification: an error
        Shipment([cigarettes, *shipment("250", origin="MX").lines], date(2026, 10, 15), "QC",
                 importation="casual", exchange_rates={"USD": Decimal("1.3712")}),
    ]  # fmt: skip
    outcomes = [_one(s, None, {}) for s in batch]
    back = unpack(pickle.loads(pickle.dumps(pack(outcomes))), batch, Settings())
    assert isinstance(back[1], ValidationErrors)
    assert back[1].paths == outcomes[1].paths
    for before, after in ((outcomes[0], back[0]), (outcomes[2], back[2])):
        assert after.lines == before.lines  # every figure, texts, quote
        assert after.to_dict() == before.to_dict()
        assert after.explain() == carm.estimate(after.shipment).explain()

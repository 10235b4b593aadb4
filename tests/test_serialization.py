import json
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from carm.calendar import billing_period
from carm.money import Money
from carm.serialization import dumps, structure, unstructure


def test_money_and_dates_become_strings() -> None:
    assert unstructure(Money("1.10", "CAD")) == {"amount": "1.10", "currency": "CAD"}
    assert unstructure(Decimal("0.1")) == "0.1"
    assert json.loads(dumps(billing_period(date(2026, 3, 2)))) == {
        "start": "2026-02-18",
        "end": "2026-03-17",
        "statement_date": "2026-03-25",
        "due_date": "2026-03-31",
        "cycle": "commercial",
    }


@given(st.decimals(allow_nan=False, allow_infinity=False), st.sampled_from(["CAD", "USD", "EUR"]))
def test_money_round_trips_exactly(amount: Decimal, currency: str) -> None:
    money = Money(amount, currency)
    again = structure(json.loads(dumps(money)), Money)
    assert again == money
    assert str(again.amount) == str(money.amount)

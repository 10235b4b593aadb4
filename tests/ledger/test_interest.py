"""Interest over a quarter boundary, hand-checked. The rates are test values, not published ones:
Q1 2026 prescribed 2%, Q2 2026 prescribed 3%; specified = prescribed + 6 (D11-6-5)."""

from datetime import date
from decimal import Decimal

import pytest

from carm.errors import InvalidComponent, NotInEffect
from carm.identifiers import transaction_number
from carm.ledger import InterestRates, InterestSettings, Kind, Ledger, Transaction, Waiver

D = Decimal
ACCOUNT = "123026635RM0001"
RATES = InterestRates(
    [
        (date(2026, 1, 1), date(2026, 3, 31), "2", "test value"),
        (date(2026, 4, 1), date(2026, 6, 30), "3", "test value"),
    ]
)


def book_with_debt() -> tuple[Ledger, str]:
    book = Ledger()
    number = transaction_number.make(account_security="12345", sequence=7)
    # released 1 Feb: period 18 Jan to 17 Feb, due 10 business days after 17 Feb = 3 Mar
    book.post(Transaction(ACCOUNT, number, "CAD", D("1000.00"), date(2026, 2, 3), date(2026, 2, 1)))
    return book, number


def test_simple_interest_over_a_quarter_boundary() -> None:
    # 4-31 Mar: 28 days x 1000 x 8% / 365 = 6.1369863; 1-10 Apr: 10 x 1000 x 9% / 365 = 2.4657534
    book, number = book_with_debt()
    (interest,) = book.accrue_interest(
        ACCOUNT, date(2026, 4, 10), RATES, InterestSettings(compounding="none")
    )
    assert interest.kind is Kind.INTEREST
    assert interest.amount == D("8.60")
    assert interest.relates_to == number
    assert interest.accrued_through == date(2026, 4, 10)
    assert "2026-03-04 to 2026-04-10" in interest.description


def test_daily_compounding() -> None:
    # 1000 x ((1 + 0.08/365)^28 x (1 + 0.09/365)^10 - 1) = 8.6389...
    book, _ = book_with_debt()
    (interest,) = book.accrue_interest(ACCOUNT, date(2026, 4, 10), RATES)
    assert interest.amount == D("8.64")


def test_a_part_payment_lowers_the_interest_from_the_next_day() -> None:
    # paid 500 on 20 Mar: 4-20 Mar on 1000 at 8% (17 days) 3.7260274; 21-31 Mar on 500 (11 days)
    # 1.2054795; 1-10 Apr on 500 at 9% 1.2328767: 6.1643836
    book, number = book_with_debt()
    book.pay(
        account=ACCOUNT,
        amount=D("500.00"),
        received=date(2026, 3, 20),
        allocations={number: D("500.00")},
    )
    (interest,) = book.accrue_interest(
        ACCOUNT, date(2026, 4, 10), RATES, InterestSettings(compounding="none")
    )
    assert interest.amount == D("6.16")


def test_accruals_do_not_overlap_and_waivers_apply() -> None:
    book, _ = book_with_debt()
    simple = InterestSettings(
        compounding="none",
        waivers=(Waiver(date(2026, 3, 1), date(2026, 3, 31), "transition relief"),),
    )
    (first,) = book.accrue_interest(ACCOUNT, date(2026, 4, 10), RATES, simple)
    assert first.amount == D("2.47")  # April only: 10 x 1000 x 9% / 365 = 2.4657534
    again = book.accrue_interest(ACCOUNT, date(2026, 4, 10), RATES, simple)
    assert again == ()  # already accrued through that day
    (second,) = book.accrue_interest(ACCOUNT, date(2026, 4, 20), RATES, simple)
    assert second.amount == D("2.47")  # 11-20 Apr
    assert book.balance(ACCOUNT) == D("1004.94")


def test_nothing_before_the_due_date_and_missing_rates_raise() -> None:
    book, _ = book_with_debt()
    assert book.accrue_interest(ACCOUNT, date(2026, 3, 3), RATES) == ()
    with pytest.raises(NotInEffect, match="no prescribed interest rate for 2026-07-01"):
        book.accrue_interest(ACCOUNT, date(2026, 7, 2), RATES)
    with pytest.raises(InvalidComponent):
        InterestSettings(compounding="monthly")

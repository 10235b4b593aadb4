from datetime import date
from decimal import Decimal

from carm.identifiers import transaction_number
from carm.ledger import Ledger, RPPSettings, Transaction

D = Decimal
ACCOUNT = "123026635RM0001"


def post_month(book: Ledger, sequence: int, released: date, amount: str) -> None:
    number = transaction_number.make(account_security="12345", sequence=sequence)
    book.post(Transaction(ACCOUNT, number, "CAD", D(amount), released, released))


def test_bond_is_half_the_highest_month_within_the_review_window() -> None:
    # Review of 20 Oct 2026 covers statements from 20 Oct 2025 to 19 Oct 2026.
    book = Ledger()
    post_month(book, 1, date(2025, 9, 1), "90000.00")  # statement 2025-09: before the window
    post_month(book, 2, date(2025, 11, 2), "30000.00")  # statement 2025-11
    post_month(book, 3, date(2026, 3, 2), "42000.00")  # statement 2026-03
    post_month(book, 4, date(2026, 3, 5), "8000.00")  # same period: 50,000 in 2026-03
    post_month(book, 5, date(2026, 10, 19), "70000.00")  # statement 2026-11-25: after the window
    security = book.rpp_security(ACCOUNT, date(2026, 11, 1), on_file=D("20000"))
    assert (security.window_start, security.window_end) == (date(2025, 10, 20), date(2026, 10, 19))
    assert security.highest_month == "2026-03"
    assert security.highest_amount == D("50000.00")
    assert security.bond_required == D("25000.00")
    assert security.cash_required == D("50000.00")
    assert security.covered is False
    assert security.next_review == date(2027, 10, 20)


def test_minimum_and_maximum() -> None:
    book = Ledger()
    post_month(book, 1, date(2026, 3, 2), "1200.00")
    assert book.rpp_security(ACCOUNT, date(2026, 11, 1)).bond_required == D("5000.00")
    assert book.rpp_security(ACCOUNT, date(2026, 11, 1)).covered is None
    earlier_plan = RPPSettings(minimum=D(25_000))
    assert book.rpp_security(ACCOUNT, date(2026, 11, 1), settings=earlier_plan).bond_required == D(
        "25000.00"
    )
    big = Ledger()
    post_month(big, 1, date(2026, 3, 2), "30000000.00")
    assert big.rpp_security(ACCOUNT, date(2026, 11, 1)).bond_required == D("10000000.00")
    empty = Ledger().rpp_security(ACCOUNT, date(2026, 11, 1))
    assert (empty.highest_month, empty.bond_required) == (None, D("5000.00"))

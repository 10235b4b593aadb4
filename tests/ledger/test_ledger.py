"""Hand-checked ledger scenarios; sources in reference/cbsa-carm-facts.md section 3."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carm.calendar import billing_period
from carm.errors import InvalidComponent, InvalidFormat, ValidationErrors
from carm.identifiers import transaction_number
from carm.ledger import Kind, Ledger, Transaction

D = Decimal
ACCOUNT = "123026635RM0001"
OTHER = "123456782RM0001"


def cad(
    sequence: int, amount: str, posted: date, released: date | None = None, account: str = ACCOUNT
) -> Transaction:
    number = transaction_number.make(account_security="12345", sequence=sequence)
    return Transaction(account, number, "CAD", D(amount), posted, released or posted)


def numbers(*sequences: int) -> list[str]:
    return [transaction_number.make(account_security="12345", sequence=s) for s in sequences]


def test_the_cbsa_worked_example_550_over_three_debts() -> None:
    # CBSA standard account processing timelines: a $550 cheque applied to debts of $200, $150, $200.
    book = Ledger()
    book.post_many(
        [
            cad(1, "200.00", date(2026, 3, 2)),
            cad(2, "150.00", date(2026, 3, 5)),
            cad(3, "200.00", date(2026, 3, 9)),
        ]
    )
    payment, applied = book.pay(account=ACCOUNT, amount=D("550.00"), received=date(2026, 3, 30))
    assert payment.kind is Kind.PAYMENT
    assert payment.amount == D("-550.00")
    assert [(a.debit, a.amount) for a in applied] == list(
        zip(numbers(1, 2, 3), [D("200.00"), D("150.00"), D("200.00")], strict=True)
    )
    assert book.balance(ACCOUNT) == D("0.00")
    assert book.open_items(ACCOUNT) == ()


def test_default_order_pays_the_debt_due_first() -> None:
    book = Ledger()
    # released 20 Feb (due 31 Mar) and 20 Mar (due 1 May), posted in the other order
    book.post_many(
        [
            cad(2, "100.00", date(2026, 3, 20), date(2026, 3, 20)),
            cad(1, "100.00", date(2026, 3, 21), date(2026, 2, 20)),
        ]
    )
    _, applied = book.pay(account=ACCOUNT, amount=D("120.00"), received=date(2026, 3, 25))
    assert [(a.debit, a.amount) for a in applied] == [
        (numbers(1)[0], D("100.00")),
        (numbers(2)[0], D("20.00")),
    ]
    newest = Ledger(allocation_order="newest-first")
    newest.post_many([cad(1, "100.00", date(2026, 3, 2)), cad(2, "100.00", date(2026, 3, 3))])
    _, applied = newest.pay(account=ACCOUNT, amount=D("50.00"), received=date(2026, 3, 4))
    assert [a.debit for a in applied] == numbers(2)


def test_an_overpayment_stays_as_a_credit() -> None:
    book = Ledger()
    book.post(cad(1, "80.00", date(2026, 3, 2)))
    payment, _ = book.pay(
        account=ACCOUNT, amount=D("100.00"), received=date(2026, 3, 3), number="CHQ-881"
    )
    assert payment.number == "CHQ-881"
    assert book.balance(ACCOUNT) == D("-20.00")
    (item,) = book.open_items(ACCOUNT)
    assert (item.transaction.number, item.remaining, item.due_date) == (
        "CHQ-881",
        D("-20.00"),
        None,
    )


def test_directed_allocations_are_checked_before_anything_is_written() -> None:
    book = Ledger()
    book.post_many(
        [
            cad(1, "100.00", date(2026, 3, 2)),
            cad(2, "50.00", date(2026, 3, 2)),
            cad(3, "70.00", date(2026, 3, 2), account=OTHER),
        ]
    )
    one, two, three = numbers(1, 2, 3)
    with pytest.raises(ValidationErrors) as caught:
        book.pay(
            account=ACCOUNT,
            amount=D("120.00"),
            received=date(2026, 3, 3),
            allocations={one: D("110.00"), three: D("5"), "nope": D("1")},
        )
    assert caught.value.paths == (
        f"allocations[{one!r}].amount",
        f"allocations[{three!r}].number",
        "allocations['nope'].number",
    )
    with pytest.raises(ValidationErrors) as caught:
        book.pay(
            account=ACCOUNT,
            amount=D("120.00"),
            received=date(2026, 3, 3),
            allocations={one: D("100.00"), two: D("50.00")},
        )
    assert caught.value.errors[0].message == "allocations add up to more than the payment"
    assert book.balance(ACCOUNT) == D("150.00")  # nothing was posted
    _, applied = book.pay(
        account=ACCOUNT,
        amount=D("120.00"),
        received=date(2026, 3, 3),
        allocations={two: D("50.00"), one: D("30.00")},
    )
    assert [(a.debit, a.amount) for a in applied] == [(two, D("50.00")), (one, D("30.00"))]
    assert book.balance(ACCOUNT) == D("30.00")  # 150 owed - 120 paid; 40 of the payment unapplied
    assert sorted(i.remaining for i in book.open_items(ACCOUNT)) == [D("-40.00"), D("70.00")]


def test_credits_are_offset_newest_debt_first_before_any_disbursement() -> None:
    book = Ledger()
    older, newer = cad(1, "100.00", date(2026, 3, 2)), cad(2, "80.00", date(2026, 3, 10))
    book.post_many([older, newer])
    book.post(
        Transaction(
            ACCOUNT, "REF-1", "credit", D("-120.00"), date(2026, 3, 12), relates_to=older.number
        )
    )
    assert book.disburse(ACCOUNT, date(2026, 3, 20)) is None  # debt remains after offsetting
    assert {a.debit: a.amount for a in book.allocations} == {
        newer.number: D("80.00"),
        older.number: D("40.00"),
    }
    assert [(i.transaction.number, i.remaining) for i in book.open_items(ACCOUNT)] == [
        (older.number, D("60.00"))
    ]


def test_a_credit_is_paid_out_only_when_nothing_is_owed() -> None:
    book = Ledger()
    book.post(cad(1, "100.00", date(2026, 3, 2)))
    book.post(
        Transaction(
            ACCOUNT,
            numbers(9)[0],
            "adjustment",
            D("-130.00"),
            date(2026, 5, 2),
            relates_to=numbers(1)[0],
        )
    )
    paid_out = book.disburse(ACCOUNT, date(2026, 5, 20))
    assert paid_out is not None
    assert paid_out.kind is Kind.DISBURSEMENT
    assert paid_out.amount == D("30.00")
    assert book.balance(ACCOUNT) == D("0.00")
    assert book.open_items(ACCOUNT) == ()


def test_statement_over_a_billing_period() -> None:
    book = Ledger()
    period = billing_period(date(2026, 3, 2))  # 18 Feb to 17 Mar, issued 25 Mar, due 31 Mar
    book.post_many(
        [
            cad(1, "75.00", date(2026, 2, 13), date(2026, 2, 10)),  # previous period
            cad(2, "200.00", date(2026, 3, 2), date(2026, 2, 27)),
            Transaction(ACCOUNT, "INT-1", "interest", D("1.25"), date(2026, 3, 5)),
            cad(
                3, "150.00", date(2026, 3, 20), date(2026, 3, 16)
            ),  # posted later, released in period
            cad(4, "90.00", date(2026, 3, 20), date(2026, 3, 18)),  # next period
        ]
    )
    st = book.statement(ACCOUNT, period)
    assert st.opening_balance == D("75.00")
    assert [t.number for t in st.transactions] == [*numbers(2), "INT-1", *numbers(3)]
    assert st.interest == D("1.25")
    assert st.closing_balance == D("426.25")
    assert st.amount_due == D("426.25")
    assert (st.statement_date, st.due_date) == (date(2026, 3, 25), date(2026, 3, 31))
    text = st.to_text()
    assert "Statement of Account 2026-03, account 123026635RM0001" in text
    assert "426.25" in text
    assert st.to_dict()["closing_balance"] == "426.25"
    assert (
        st.to_csv().splitlines()[0]
        == "posted,number,kind,release_date,relates_to,amount,description"
    )


def test_a_statement_in_credit_shows_brackets_and_nothing_due() -> None:
    book = Ledger()
    book.post(Transaction(ACCOUNT, "REF-9", "credit", D("-40.00"), date(2026, 3, 2)))
    st = book.statement(ACCOUNT, billing_period(date(2026, 3, 2)))
    assert st.amount_due == D("0.00")
    assert "(40.00)" in st.to_text()


def test_daily_notice_and_registration_facts() -> None:
    book = Ledger()
    book.post_many(
        [
            cad(1, "200.00", date(2026, 3, 2)),
            cad(2, "50.00", date(2026, 3, 2)),
            cad(3, "10.00", date(2026, 3, 3)),
        ]
    )
    book.pay(account=ACCOUNT, amount=D("120.00"), received=date(2026, 3, 4))
    notice = book.daily_notice(ACCOUNT, date(2026, 3, 2))
    assert notice.total == D("250.00")
    assert len(notice.transactions) == 2
    assert notice.to_dict()["total"] == "250.00"
    facts = book.registration_facts(ACCOUNT)
    assert (facts.balance, facts.last_transaction_number, facts.last_payment_amount) == (
        D("140.00"),
        numbers(3)[0],
        D("120.00"),
    )


def test_open_items_have_ages_and_overdue_days() -> None:
    book = Ledger()
    book.post(cad(1, "200.00", date(2026, 3, 2), date(2026, 2, 27)))
    (item,) = book.open_items(ACCOUNT, as_of=date(2026, 4, 10))
    assert item.due_date == date(2026, 3, 31)
    assert item.age_days == 39
    assert item.days_overdue == 10


def test_bad_imports_post_nothing_and_name_every_row() -> None:
    book = Ledger()
    book.post(cad(1, "10.00", date(2026, 3, 5)))
    rows = [
        Transaction(
            "123026635RT0001", "X-1", "misc", D("1"), date(2026, 3, 6)
        ),  # RT account, bad kind
        cad(1, "10.00", date(2026, 3, 6)),  # duplicate number
        Transaction(ACCOUNT, "X-2", "AMPS", D("150.005"), date(2026, 3, 6)),  # three decimals
        Transaction(
            ACCOUNT, "X-3", "AMPS", D("150.00"), date(2026, 3, 1)
        ),  # before the last posting
        Transaction(
            ACCOUNT, "12345", "CAD", D("5"), date(2026, 3, 7)
        ),  # bad number, no release date
        Transaction(
            ACCOUNT, "X-4", "payment", D("5"), date(2026, 3, 7)
        ),  # a payment must be negative
    ]
    with pytest.raises(ValidationErrors) as caught:
        book.post_many(rows)
    assert caught.value.paths == (
        "rows[0].account",
        "rows[0].kind",
        "rows[1].number",
        "rows[2].amount",
        "rows[3].posted",
        "rows[4].number",
        "rows[4].release_date",
        "rows[5].amount",
    )
    assert len(book.transactions(ACCOUNT)) == 1


def test_save_and_load_lose_nothing(tmp_path: Path) -> None:
    book = Ledger()
    book.post_many([cad(1, "200.00", date(2026, 3, 2)), cad(2, "150.00", date(2026, 3, 5))])
    book.pay(account=ACCOUNT, amount=D("260.00"), received=date(2026, 3, 6))
    book.post(
        Transaction(
            ACCOUNT, "REF-1", "credit", D("-10.00"), date(2026, 3, 7), description="refund, é"
        )
    )
    book.offset(ACCOUNT, date(2026, 3, 8))
    path = tmp_path / "ledger.jsonl"
    book.save(path)
    again = Ledger.load(path)
    assert again.transactions(ACCOUNT) == book.transactions(ACCOUNT)
    assert again.allocations == book.allocations
    assert again.open_items(ACCOUNT) == book.open_items(ACCOUNT)
    path.write_text(path.read_text() + '{"type": "allocation", "credit": "nope"}\n{"type": "x"}\n')
    with pytest.raises(ValidationErrors) as caught:
        Ledger.load(path)
    assert len(caught.value.errors) == 2


def test_bad_settings_and_accounts() -> None:
    with pytest.raises(InvalidComponent):
        Ledger(allocation_order="random")  # type: ignore[arg-type]
    with pytest.raises(InvalidComponent, match="wrong program account"):
        Ledger().balance("123026635RT0001")
    with pytest.raises(InvalidFormat, match="a payment must be positive"):
        Ledger().pay(account=ACCOUNT, amount=D("-1"), received=date(2026, 3, 1))
    assert Ledger().balance("123026635") == D("0.00")  # a broker's BN9 account


def test_sqlite_round_trip(tmp_path: Path) -> None:
    book = Ledger()
    book.post_many([cad(1, "200.00", date(2026, 3, 2)), cad(2, "150.00", date(2026, 3, 5))])
    book.pay(account=ACCOUNT, amount=D("260.00"), received=date(2026, 3, 6))
    path = tmp_path / "ledger.db"
    book.save_sqlite(path)
    book.save_sqlite(path)  # saving again replaces, never duplicates
    again = Ledger.load_sqlite(path)
    assert again.transactions(ACCOUNT) == book.transactions(ACCOUNT)
    assert again.allocations == book.allocations


def test_import_a_csv_with_a_column_mapping(tmp_path: Path) -> None:
    one, two = numbers(1, 2)
    path = tmp_path / "dn.csv"
    path.write_text(
        "Account,TransactionNumber,Type,Amount,AccountingDate,ReleaseDate\n"
        f"{ACCOUNT},{one},CAD,200.00,2026-03-02,2026-02-27\n"
        f"{ACCOUNT},{two},CAD,150.00,2026-03-05,2026-03-04\n",
        encoding="utf-8",
    )
    columns = {"account": "Account", "number": "TransactionNumber", "kind": "Type", "amount": "Amount",
               "posted": "AccountingDate", "release_date": "ReleaseDate"}  # fmt: skip
    book = Ledger()
    assert [t.number for t in book.import_file(path, columns)] == [one, two]
    assert book.balance(ACCOUNT) == D("350.00")


def test_an_import_with_errors_imports_nothing(tmp_path: Path) -> None:
    one, two = numbers(1, 2)
    path = tmp_path / "dn.json"
    path.write_text(
        f'[{{"account": "{ACCOUNT}", "number": "{one}", "kind": "CAD", "amount": 200.00, "posted": "2026-03-02", "release_date": "2026-02-27"}},'
        f' {{"account": "{ACCOUNT}", "number": "{two}", "kind": "CAD", "amount": 1.005, "posted": "2026-03-05", "release_date": "2026-03-04"}},'
        f' {{"account": "{ACCOUNT}", "number": "{two}", "kind": "CAD", "amount": 5, "posted": "March 5"}}]',
        encoding="utf-8",
    )
    book = Ledger()
    with pytest.raises(ValidationErrors) as caught:
        book.import_file(path)
    assert caught.value.paths == ("rows[2].posted",)
    path.write_text(
        path.read_text().replace('"March 5"', '"2026-03-06", "release_date": "2026-03-06"')
    )
    with pytest.raises(ValidationErrors) as caught:
        book.import_file(path)
    assert caught.value.paths == ("rows[1].amount", "rows[2].number")
    assert book.transactions(ACCOUNT) == ()

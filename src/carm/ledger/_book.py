"""The ledger: an append-only book of transactions and the allocations between them.

Rules (``reference/cbsa-carm-facts.md`` section 3):

- A payment is applied to the debts the payer names, or else in the CBSA's order. The CBSA's
  priority rule was not found beyond its worked example (a $550 cheque applied to debts of $200,
  $150 and $200), so the default order is a setting: ``"oldest-due-first"`` (the debt due first,
  then the one posted first), or ``"newest-first"``.
- Credits are offset against debts, **newest debt first**, before anything is paid out (CBSA,
  standard account processing timelines, step 5; CN 16-19), and no disbursement is paid to a
  client with outstanding debt (CN 16-19).
- Nothing is ever edited: a posted transaction stays; corrections are new transactions. An
  allocation never exceeds what the debt still owes or what the credit still holds, so no cent
  is created or lost: the balance always equals the sum of the open items.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal, cast

from carm.calendar import BillingPeriod, BusinessCalendar, DueDateRule, billing_period
from carm.errors import (
    ErrorCollector,
    InvalidComponent,
    InvalidFormat,
    UnknownCode,
    ValidationError,
    ValidationErrors,
)
from carm.ledger._interest import InterestRates, InterestSettings, accrue
from carm.ledger._io import read_transactions
from carm.ledger._model import Allocation, Kind, Transaction, check_account, check_transaction
from carm.ledger._security import RPPSecurity, RPPSettings, requirement, review_window
from carm.ledger._statement import DailyNotice, OpenItem, RegistrationFacts, Statement
from carm.money import to_decimal

__all__ = ["ALLOCATION_ORDERS", "Ledger"]

ALLOCATION_ORDERS: Final = ("oldest-due-first", "newest-first")
_ZERO: Final = Decimal("0.00")


class Ledger:
    """Accounts, their transactions and allocations. Not thread-safe; one writer at a time."""

    def __init__(
        self,
        *,
        allocation_order: Literal["oldest-due-first", "newest-first"] = "oldest-due-first",
        due_date_rule: str | DueDateRule = "ten-business-days-after-17th",
        calendar: BusinessCalendar | None = None,
    ) -> None:
        if allocation_order not in ALLOCATION_ORDERS:
            raise InvalidComponent(
                value=allocation_order,
                path="allocation_order",
                expected="one of " + ", ".join(ALLOCATION_ORDERS),
            )
        self.allocation_order = allocation_order
        self.due_date_rule = due_date_rule
        self.calendar = calendar or BusinessCalendar()
        self._transactions: dict[str, Transaction] = {}
        self._by_account: dict[str, list[Transaction]] = {}
        self._allocations: list[Allocation] = []
        self._applied: dict[str, Decimal] = {}  # number -> amount allocated to it or from it
        self._payment_numbers = itertools.count(1)

    # --- posting ----------------------------------------------------------------------------

    def post(self, transaction: Transaction) -> Transaction:
        """Post one transaction; returns it normalised."""
        return self.post_many([transaction])[0]

    def post_many(self, transactions: Iterable[Transaction]) -> list[Transaction]:
        """Post transactions all together, or none of them: every problem is reported at once."""
        errors = ErrorCollector("the transactions were not posted; nothing was posted")
        checked: list[Transaction] = []
        seen: set[str] = set()
        last: dict[str, date] = {}
        for index, raw in enumerate(transactions):
            path = f"rows[{index}]"
            if not isinstance(cast(object, raw), Transaction):
                errors.add(InvalidFormat(value=raw, path=path, expected="a ledger.Transaction"))
                continue
            number = raw.number.strip() if isinstance(raw.number, str) else None
            duplicate = number is not None and (number in self._transactions or number in seen)
            if number is not None:
                seen.add(number)
            tx = check_transaction(raw, errors, path=path)
            if duplicate:
                where = "in the ledger" if number in self._transactions else "twice in this import"
                errors.add(
                    InvalidComponent(
                        f"transaction number already {where}", value=number, path="number"
                    ),
                    path=path,
                )
                continue
            if tx is None:
                continue
            previous = last.get(tx.account) or self._last_posted(tx.account)
            if previous is not None and tx.posted < previous:
                errors.add(
                    InvalidFormat(
                        "dates out of order: posted before the account's last transaction",
                        value=tx.posted,
                        path="posted",
                        expected=f"on or after {previous.isoformat()}",
                    ),
                    path=path,
                )
                continue
            if tx.relates_to is not None:
                target = self._transactions.get(tx.relates_to)
                if target is None or target.account != tx.account:
                    errors.add(
                        UnknownCode(
                            "relates to no transaction of this account",
                            value=tx.relates_to,
                            path="relates_to",
                        ),
                        path=path,
                    )
                    continue
            last[tx.account] = tx.posted
            checked.append(tx)
        errors.raise_if_any()
        for tx in checked:
            self._append(tx)
        return checked

    def import_file(
        self, path: str | Path, columns: Mapping[str, str] | None = None
    ) -> list[Transaction]:
        """Post every transaction of a CSV or JSON file, or none (see :mod:`carm.ledger._io`)."""
        return self.post_many(read_transactions(path, columns))

    def _append(self, tx: Transaction) -> None:
        self._transactions[tx.number] = tx
        self._by_account.setdefault(str(tx.account), []).append(tx)

    def _last_posted(self, account: str) -> date | None:
        entries = self._by_account.get(account)
        return entries[-1].posted if entries else None

    # --- what is owed -------------------------------------------------------------------------

    def transactions(self, account: str) -> tuple[Transaction, ...]:
        """The account's transactions in posting order."""
        return tuple(self._by_account.get(check_account(account), ()))

    @property
    def allocations(self) -> tuple[Allocation, ...]:
        return tuple(self._allocations)

    def _remaining(self, tx: Transaction, as_of: date | None = None) -> Decimal:
        """What a debt still owes (> 0) or a credit still holds (< 0)."""
        amount = Decimal(tx.amount)
        if as_of is None:
            applied = self._applied.get(tx.number, _ZERO)
        else:
            applied = sum(
                (
                    a.amount
                    for a in self._allocations
                    if a.on <= as_of and tx.number in (a.credit, a.debit)
                ),
                _ZERO,
            )
        return amount - applied if amount > 0 else amount + applied

    def due_date(self, tx: Transaction) -> date | None:
        """When a debt is due: the due date of its billing period; None for credits."""
        if Decimal(tx.amount) < 0:
            return None
        return self.period_of(tx).due_date

    def period_of(self, tx: Transaction) -> BillingPeriod:
        """The billing period a transaction belongs to (CADs by release date, the rest by posting)."""
        return billing_period(
            tx.release_date or tx.posted, due_date_rule=self.due_date_rule, calendar=self.calendar
        )

    def balance(self, account: str, as_of: date | None = None) -> Decimal:
        """What the account owes (negative: what it is owed), counting transactions posted by ``as_of``."""
        return sum(
            (
                Decimal(tx.amount)
                for tx in self._by_account.get(check_account(account), ())
                if as_of is None or tx.posted <= as_of
            ),
            _ZERO,
        )

    def open_items(self, account: str, as_of: date | None = None) -> tuple[OpenItem, ...]:
        """Debts not fully paid and credits not fully applied, with due dates and ages."""
        found = []
        for tx in self._by_account.get(check_account(account), ()):
            if as_of is not None and tx.posted > as_of:
                continue
            remaining = self._remaining(tx, as_of)
            if not remaining:
                continue
            due = self.due_date(tx)
            day = as_of or max(t.posted for t in self._by_account[str(tx.account)])
            overdue = max((day - due).days, 0) if due is not None else 0
            found.append(OpenItem(tx, remaining, due, (day - tx.posted).days, overdue))
        return tuple(found)

    # --- payments, offsets, disbursements ----------------------------------------------------

    def _debts(self, account: str, on: date) -> list[Transaction]:
        return [
            tx
            for tx in self._by_account.get(account, ())
            if Decimal(tx.amount) > 0 and tx.posted <= on and self._remaining(tx) > 0
        ]

    def _credits(self, account: str, on: date) -> list[Transaction]:
        return [
            tx
            for tx in self._by_account.get(account, ())
            if Decimal(tx.amount) < 0 and tx.posted <= on and self._remaining(tx) < 0
        ]

    def _ordered(self, debts: list[Transaction], order: str) -> list[Transaction]:
        if order == "newest-first":
            return sorted(debts, key=lambda t: (t.posted, t.number), reverse=True)
        return sorted(debts, key=lambda t: (self.due_date(t) or t.posted, t.posted, t.number))

    def _allocate(
        self, credit: Transaction, debit: Transaction, amount: Decimal, on: date, reason: str
    ) -> Allocation:
        allocation = Allocation(credit.number, debit.number, amount, on, reason)
        self._allocations.append(allocation)
        self._applied[credit.number] = self._applied.get(credit.number, _ZERO) + amount
        self._applied[debit.number] = self._applied.get(debit.number, _ZERO) + amount
        return allocation

    def pay(
        self,
        *,
        account: str,
        amount: Decimal | int | str,
        received: date,
        allocations: Mapping[str, Decimal | int | str] | None = None,
        number: str | None = None,
    ) -> tuple[Transaction, tuple[Allocation, ...]]:
        """Record a payment and apply it: to the debts named in ``allocations`` (number to amount),
        or in the ledger's default order. What is not applied stays on the account as a credit.
        """
        compact = check_account(account)
        value = to_decimal(amount, path="amount")
        reference = number or self._next_payment_number()
        payment = Transaction(compact, reference, Kind.PAYMENT, -value, received)
        plan = self._plan(compact, value, received, allocations)
        posted = self.post(payment)
        made = tuple(self._allocate(posted, debt, part, received, "payment") for debt, part in plan)
        return posted, made

    def _next_payment_number(self) -> str:
        while True:
            candidate = f"PAY-{next(self._payment_numbers):06d}"
            if candidate not in self._transactions:
                return candidate

    def _plan(
        self,
        account: str,
        value: Decimal,
        received: date,
        allocations: Mapping[str, Decimal | int | str] | None,
    ) -> list[tuple[Transaction, Decimal]]:
        if value <= 0:
            raise InvalidFormat("a payment must be positive", value=value, path="amount")
        if allocations is None:
            plan = []
            left = value
            for debt in self._ordered(self._debts(account, received), self.allocation_order):
                if not left:
                    break
                part = min(left, self._remaining(debt))
                plan.append((debt, part))
                left -= part
            return plan
        errors = ErrorCollector("the payment was not recorded")
        plan = []
        total = _ZERO
        for target, raw in allocations.items():
            path = f"allocations[{target!r}]"
            try:
                part = to_decimal(raw, path="amount")
                found = self._transactions.get(target)
                if found is None:
                    raise UnknownCode("no such transaction", value=target, path="number")
                debt = found
                if debt.account != account:
                    raise InvalidComponent(
                        "belongs to another account", value=target, path="number", expected=account
                    )
                owed = self._remaining(debt)
                if owed <= 0 or debt.posted > received:
                    raise InvalidComponent("owes nothing on that date", value=target, path="number")
                if part <= 0 or part > owed:
                    raise InvalidFormat(
                        "more than the transaction owes" if part > 0 else "must be positive",
                        value=part,
                        path="amount",
                        expected=f"at most {owed}",
                    )
            except ValidationError as error:
                errors.add(error, path=path)
                continue
            plan.append((debt, part))
            total += part
        if total > value:
            errors.add(
                InvalidFormat(
                    "allocations add up to more than the payment",
                    value=total,
                    path="allocations",
                    expected=f"at most {value}",
                )
            )
        errors.raise_if_any()
        return plan

    def offset(self, account: str, on: date) -> tuple[Allocation, ...]:
        """Apply the account's credits to its debts, newest debt first (the CBSA's month-end offset)."""
        compact = check_account(account)
        made = []
        credits = sorted(self._credits(compact, on), key=lambda t: (t.posted, t.number))
        debts = self._ordered(self._debts(compact, on), "newest-first")
        for credit in credits:
            for debt in debts:
                holding = -self._remaining(credit)
                if not holding:
                    break
                owed = self._remaining(debt)
                if owed > 0:
                    made.append(self._allocate(credit, debt, min(holding, owed), on, "offset"))
        return tuple(made)

    def disburse(self, account: str, on: date, *, number: str | None = None) -> Transaction | None:
        """Pay out the account's remaining credit, if it owes nothing (CN 16-19); None otherwise."""
        compact = check_account(account)
        self.offset(compact, on)
        if self._debts(compact, on):
            return None
        credits = self._credits(compact, on)
        total = sum((-self._remaining(c) for c in credits), _ZERO)
        if not total:
            return None
        reference = number or f"DISB-{on:%Y%m%d}-{len(self._allocations) + 1:06d}"
        disbursement = self.post(Transaction(compact, reference, Kind.DISBURSEMENT, total, on))
        for credit in credits:
            self._allocate(credit, disbursement, -self._remaining(credit), on, "disbursement")
        return disbursement

    # --- interest ----------------------------------------------------------------------------

    def accrue_interest(
        self,
        account: str,
        through: date,
        rates: InterestRates,
        settings: InterestSettings | None = None,
    ) -> tuple[Transaction, ...]:
        """Post the interest on every overdue debt from the day after it was due (or after the
        interest last posted for it) to ``through``, one interest transaction per debt.

        See :mod:`carm.ledger._interest` for the rates and the settings.
        """
        compact = check_account(account)
        settings = settings or InterestSettings()
        posted: list[Transaction] = []
        for debt in list(self._by_account.get(compact, ())):
            if Decimal(debt.amount) <= 0 or debt.posted > through:
                continue
            if Kind(debt.kind) is Kind.INTEREST and settings.compounding == "none":
                continue
            due = self.due_date(debt)
            assert due is not None
            covered = [
                t.accrued_through
                for t in self._by_account[compact]
                if Kind(t.kind) is Kind.INTEREST
                and t.relates_to == debt.number
                and t.accrued_through
            ]
            first = max([due, *covered]) + timedelta(days=1)
            if first > through:
                continue
            events = sorted(
                (a.on, a.amount) for a in self._allocations if debt.number in (a.credit, a.debit)
            )

            def owed(
                day: date, debt: Transaction = debt, events: list[tuple[date, Decimal]] = events
            ) -> Decimal:
                paid = sum((amount for on, amount in events if on < day), _ZERO)
                return Decimal(debt.amount) - paid

            interest = accrue(owed, first, through, rates, settings).quantize(Decimal("0.01"))
            if interest <= 0:
                continue
            number = f"INT-{debt.number}-{through:%Y%m%d}"
            posted.append(
                self.post(
                    Transaction(
                        compact, number, Kind.INTEREST, interest, max(through, self._last_posted(compact) or through),
                        relates_to=debt.number, accrued_through=through,
                        description=f"interest {first.isoformat()} to {through.isoformat()} at prescribed + {settings.margin} points",
                    )
                )
            )  # fmt: skip
        return tuple(posted)

    # --- security -----------------------------------------------------------------------------

    def rpp_security(
        self,
        account: str,
        as_of: date,
        *,
        on_file: Decimal | None = None,
        settings: RPPSettings | None = None,
    ) -> RPPSecurity:
        """The Release Prior to Payment security the account needs as of the last annual review."""
        compact = check_account(account)
        settings = settings or RPPSettings()
        start, end, next_review = review_window(as_of, settings)
        months: dict[str, Decimal] = {}
        for tx in self._by_account.get(compact, ()):
            if not Kind(tx.kind).declaration:
                continue
            period = self.period_of(tx)
            if start <= period.statement_date <= end:
                months[period.label] = months.get(period.label, _ZERO) + Decimal(tx.amount)
        highest_month = max(months, key=lambda m: (months[m], m)) if months else None
        highest = max(months[highest_month], _ZERO) if highest_month else _ZERO
        return RPPSecurity(
            compact,
            start,
            end,
            highest_month,
            highest,
            requirement(highest, settings.bond_percent, settings),
            requirement(highest, settings.cash_percent, settings),
            on_file,
            next_review,
        )

    # --- what the CBSA sends ----------------------------------------------------------------

    def daily_notice(self, account: str, day: date) -> DailyNotice:
        """The transactions posted on ``day`` (the CBSA sends a notice only for days with activity)."""
        compact = check_account(account)
        return DailyNotice(
            compact, day, tuple(t for t in self._by_account.get(compact, ()) if t.posted == day)
        )

    def statement(self, account: str, period: BillingPeriod) -> Statement:
        """The Statement of Account for a billing period (see :mod:`carm.calendar`)."""
        compact = check_account(account)
        opening = _ZERO
        within: list[Transaction] = []
        for tx in self._by_account.get(compact, ()):
            belongs = self.period_of(tx)
            if belongs.start < period.start:
                opening += Decimal(tx.amount)
            elif belongs.start == period.start:
                within.append(tx)
        return Statement(compact, period, opening, tuple(within))

    def registration_facts(self, account: str) -> RegistrationFacts:
        """What the CARM portal asks a new Business Account Manager to confirm: balance, last
        transaction number, last payment amount (CBSA, portal registration guide)."""
        compact = check_account(account)
        entries = self._by_account.get(compact, ())
        declarations = [t for t in entries if Kind(t.kind).declaration]
        payments = [t for t in entries if Kind(t.kind) is Kind.PAYMENT]
        return RegistrationFacts(
            compact,
            self.balance(compact),
            declarations[-1].number if declarations else None,
            -Decimal(payments[-1].amount) if payments else None,
        )

    # --- saving and loading -----------------------------------------------------------------

    def _records(self) -> Iterator[dict[str, Any]]:
        # Transactions and allocations in the order they happened, so a replay rebuilds the book.
        allocations = iter(self._allocations)
        pending = next(allocations, None)
        order = {number: i for i, number in enumerate(self._transactions)}
        for index, tx in enumerate(self._transactions.values()):
            yield {"type": "transaction", **_tx_dict(tx)}
            while pending is not None and max(order[pending.credit], order[pending.debit]) <= index:
                yield {
                    "type": "allocation",
                    "credit": pending.credit,
                    "debit": pending.debit,
                    "amount": str(pending.amount),
                    "on": pending.on.isoformat(),
                    "reason": pending.reason,
                }
                pending = next(allocations, None)

    def save(self, path: str | Path) -> None:
        """Write the ledger as JSON lines: every transaction and allocation, in order."""
        Path(path).write_text(
            "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in self._records()),
            encoding="utf-8",
        )

    def save_sqlite(self, path: str | Path) -> None:
        """Write the ledger to an SQLite database (one table of records, in order), replacing it."""
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            db.execute("DROP TABLE IF EXISTS carm_ledger")
            db.execute(
                "CREATE TABLE carm_ledger (position INTEGER PRIMARY KEY, record TEXT NOT NULL)"
            )
            db.executemany(
                "INSERT INTO carm_ledger (position, record) VALUES (?, ?)",
                ((i, json.dumps(r, ensure_ascii=False)) for i, r in enumerate(self._records())),
            )

    @classmethod
    def load_sqlite(cls, path: str | Path, **settings: Any) -> Ledger:
        """A ledger from the database :meth:`save_sqlite` wrote."""
        with contextlib.closing(sqlite3.connect(path)) as db:
            rows = db.execute("SELECT record FROM carm_ledger ORDER BY position").fetchall()
        return cls._replay((row[0] for row in rows), Path(path).name, settings)

    @classmethod
    def load(cls, path: str | Path, **settings: Any) -> Ledger:
        """A ledger from the JSON lines :meth:`save` wrote."""
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return cls._replay(lines, Path(path).name, settings)

    @classmethod
    def _replay(cls, lines: Iterable[str], name: str, settings: dict[str, Any]) -> Ledger:
        book = cls(**settings)
        errors = ErrorCollector(f"{name} is not a carm ledger")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if record.get("type") == "transaction":
                    book.post(_tx_from(record))
                elif record.get("type") == "allocation":
                    credit = book._transactions[record["credit"]]
                    debit = book._transactions[record["debit"]]
                    book._allocate(
                        credit,
                        debit,
                        Decimal(record["amount"]),
                        date.fromisoformat(record["on"]),
                        record["reason"],
                    )
                else:
                    raise InvalidFormat(
                        "unknown record type", value=record.get("type"), path="type"
                    )
            except ValidationErrors as group:
                errors.extend(group, path=f"line {number}")
            except ValidationError as error:
                errors.add(error, path=f"line {number}")
            except (ValueError, KeyError) as error:
                errors.add(
                    InvalidFormat(
                        f"is not a ledger record ({error})", value=line[:80], path=f"line {number}"
                    )
                )
        errors.raise_if_any()
        return book


def _tx_dict(tx: Transaction) -> dict[str, Any]:
    return {
        "account": tx.account,
        "number": tx.number,
        "kind": Kind(tx.kind).value,
        "amount": str(tx.amount),
        "posted": tx.posted.isoformat(),
        "release_date": tx.release_date.isoformat() if tx.release_date else None,
        "relates_to": tx.relates_to,
        "description": tx.description,
        "accrued_through": tx.accrued_through.isoformat() if tx.accrued_through else None,
    }


def _tx_from(record: Mapping[str, Any]) -> Transaction:
    return Transaction(
        account=record["account"],
        number=record["number"],
        kind=record["kind"],
        amount=Decimal(record["amount"]),
        posted=date.fromisoformat(record["posted"]),
        release_date=date.fromisoformat(record["release_date"])
        if record.get("release_date")
        else None,
        relates_to=record.get("relates_to"),
        description=record.get("description", ""),
        accrued_through=(
            date.fromisoformat(record["accrued_through"]) if record.get("accrued_through") else None
        ),
    )

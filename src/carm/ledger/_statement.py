"""What the ledger reports: open items, daily notices, statements of account, registration facts.

Each renders as text (for people), CSV (for spreadsheets) and JSON (for programs).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from carm.calendar import BillingPeriod

if TYPE_CHECKING:
    from carm.ledger._model import Transaction

__all__ = ["DailyNotice", "OpenItem", "RegistrationFacts", "Statement"]

_COLUMNS = ("posted", "number", "kind", "release_date", "relates_to", "amount", "description")


def _row(tx: Transaction) -> dict[str, str]:
    kind = tx.kind.value if hasattr(tx.kind, "value") else str(tx.kind)
    return {
        "posted": tx.posted.isoformat(),
        "number": tx.number,
        "kind": kind,
        "release_date": tx.release_date.isoformat() if tx.release_date else "",
        "relates_to": tx.relates_to or "",
        "amount": str(tx.amount),
        "description": tx.description,
    }


def _csv(rows: Iterable[dict[str, str]], columns: Iterable[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _money(amount: Decimal) -> str:
    # Statements show a credit in brackets (CBSA, "How to pay": a bracketed amount is a credit).
    return f"({-amount:,.2f})" if amount < 0 else f"{amount:,.2f}"


@attrs.frozen
class OpenItem:
    """A debt not fully paid (``remaining`` > 0) or a credit not fully applied (< 0)."""

    transaction: Transaction
    remaining: Decimal
    due_date: date | None
    age_days: int
    days_overdue: int


@attrs.frozen
class DailyNotice:
    """The transactions posted on one day (CBSA, "Daily Notice and Statement of Account")."""

    account: str
    day: date
    transactions: tuple[Transaction, ...]

    @property
    def total(self) -> Decimal:
        return sum((Decimal(t.amount) for t in self.transactions), Decimal("0.00"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "day": self.day.isoformat(),
            "transactions": [_row(t) for t in self.transactions],
            "total": str(self.total),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_csv(self) -> str:
        return _csv((_row(t) for t in self.transactions), _COLUMNS)

    def to_text(self) -> str:
        lines = [f"Daily notice, account {self.account}, {self.day.isoformat()}"]
        lines += [
            f"  {t.number:<16} {_row(t)['kind']:<13} {_money(Decimal(t.amount)):>14}"
            for t in self.transactions
        ]
        lines.append(f"  {'total':<30} {_money(self.total):>14}")
        return "\n".join(lines)


@attrs.frozen
class Statement:
    """A Statement of Account for one billing period.

    ``transactions`` are those of the period (CADs by release date, the rest by posting date);
    the closing balance is the opening balance plus them; ``amount_due`` is what to pay by
    ``due_date`` (nothing when the account is in credit).
    """

    account: str
    period: BillingPeriod
    opening_balance: Decimal
    transactions: tuple[Transaction, ...]

    @property
    def interest(self) -> Decimal:
        return sum(
            (Decimal(t.amount) for t in self.transactions if _row(t)["kind"] == "interest"),
            Decimal("0.00"),
        )

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + sum(
            (Decimal(t.amount) for t in self.transactions), Decimal("0.00")
        )

    @property
    def amount_due(self) -> Decimal:
        return max(self.closing_balance, Decimal("0.00"))

    @property
    def due_date(self) -> date:
        return self.period.due_date

    @property
    def statement_date(self) -> date:
        return self.period.statement_date

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "statement_date": self.statement_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "opening_balance": str(self.opening_balance),
            "transactions": [_row(t) for t in self.transactions],
            "interest": str(self.interest),
            "closing_balance": str(self.closing_balance),
            "amount_due": str(self.amount_due),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_csv(self) -> str:
        return _csv((_row(t) for t in self.transactions), _COLUMNS)

    def to_text(self) -> str:
        p = self.period
        lines = [
            f"Statement of Account {p.label}, account {self.account}",
            f"  goods released {p.start.isoformat()} to {p.end.isoformat()}; "
            f"issued {self.statement_date.isoformat()}; due {self.due_date.isoformat()}",
            f"  {'opening balance':<47} {_money(self.opening_balance):>14}",
        ]
        for t in self.transactions:
            row = _row(t)
            lines.append(
                f"  {row['posted']}  {t.number:<16} {row['kind']:<18} {_money(Decimal(t.amount)):>14}"
            )
        lines.append(f"  {'closing balance':<47} {_money(self.closing_balance):>14}")
        lines.append(f"  {'amount due':<47} {_money(self.amount_due):>14}")
        return "\n".join(lines)


@attrs.frozen
class RegistrationFacts:
    """The facts the CARM portal asks for when a business registers (CBSA portal guide)."""

    account: str
    balance: Decimal
    last_transaction_number: str | None
    last_payment_amount: Decimal | None

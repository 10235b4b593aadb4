"""Transactions and allocations of the Accounts Receivable Ledger (ARL).

Sign convention: an amount is what the account owes the CBSA. **Debits are positive** (a CAD, an
assessment, interest, a penalty, a disbursement of a credit); **credits are negative** (a
payment, a refund credit, a downward correction). The balance is the plain sum; a negative
balance is money the CBSA owes the account, which statements show in brackets.

Transaction kinds follow those that appear on ARL accounts (CBSA, via a CBSA e-mail quoted in
``reference/cbsa-carm-facts.md`` section 3.1: B3/CAD, B2 debit/credit, K3/K23, AMPS, K9, K32)
and the CARM vocabulary (corrections before the payment due date, adjustments after it).
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Any, Final

import attrs

from carm.errors import (
    ErrorCollector,
    InvalidFormat,
    InvalidLength,
    InvalidType,
    enum_member,
)
from carm.identifiers import bn
from carm.money import to_decimal

__all__ = ["Allocation", "Kind", "Transaction", "check_account", "check_transaction"]


class Kind(enum.Enum):
    """What a transaction is, and which sign its amount must have."""

    CAD = "CAD"  # a Commercial Accounting Declaration's duties and taxes (was the B3): debit
    CORRECTION = "correction"  # a CAD change before the payment due date: either sign
    ADJUSTMENT = "adjustment"  # a CAD change after it (was the B2): either sign
    PAYMENT = "payment"  # money received: credit
    INTEREST = "interest"  # interest on an overdue amount: debit
    AMPS = "AMPS"  # an Administrative Monetary Penalty: debit
    CREDIT = "credit"  # a refund issued as a credit on the account: credit
    MISCELLANEOUS = "miscellaneous"  # a miscellaneous assessment (K3/K23-style): debit
    DISBURSEMENT = "disbursement"  # a credit paid out to the client: debit

    @property
    def sign(self) -> int:
        """+1 debit, -1 credit, 0 either."""
        return _SIGNS[self]

    @property
    def declaration(self) -> bool:
        """Whether the number is a 14-digit CAD transaction number."""
        return self in (Kind.CAD, Kind.CORRECTION, Kind.ADJUSTMENT)


_SIGNS: Final = {
    Kind.CAD: 1,
    Kind.CORRECTION: 0,
    Kind.ADJUSTMENT: 0,
    Kind.PAYMENT: -1,
    Kind.INTEREST: 1,
    Kind.AMPS: 1,
    Kind.CREDIT: -1,
    Kind.MISCELLANEOUS: 1,
    Kind.DISBURSEMENT: 1,
}
_CENT: Final = Decimal("0.01")
_MAX_NUMBER: Final = 40


@attrs.frozen
class Transaction:
    """One posting on an account. Immutable: a mistake is corrected by another transaction.

    ``number`` is the CAD transaction number for declarations (14 digits; ``relates_to`` on a
    correction or adjustment names the CAD it changes) and the caller's reference otherwise.
    ``release_date`` (CADs) decides the billing period; other transactions belong to the period
    of their ``posted`` date.
    """

    account: str
    number: str
    kind: Kind | str
    amount: Decimal | int | str
    posted: date
    release_date: date | None = None
    relates_to: str | None = None
    description: str = ""
    accrued_through: date | None = None
    """On an interest transaction: the last day the interest covers."""

    @property
    def is_debit(self) -> bool:
        return Decimal(self.amount) > 0


@attrs.frozen
class Allocation:
    """Part of a credit (a payment, a refund credit) applied to a debt, on a date."""

    credit: str  # the credit transaction's number
    debit: str  # the debt's number
    amount: Decimal  # > 0
    on: date
    reason: str  # "payment", "offset", "disbursement"


def check_account(value: object, *, path: str = "account") -> str:
    """An ARL account: an importer's BN15 program account (RM) or a broker's BN9."""
    if not isinstance(value, str):
        raise InvalidType(value=value, path=path, expected="a BN15 such as 123026635RM0001")
    compact = bn.compact(value)
    if len(compact) == 9:
        return bn.validate_bn9(compact, path=path)
    return bn.validate_bn15(compact, program=bn.IMPORT_EXPORT, path=path)


def _amount(value: object, path: str) -> Decimal:
    amount = to_decimal(value, path=path)
    if amount != amount.quantize(_CENT):
        raise InvalidFormat(
            "has more than two decimals", value=value, path=path, expected="dollars and cents"
        )
    return amount.quantize(_CENT)


def check_transaction(
    tx: Transaction, errors: ErrorCollector, *, path: str = ""
) -> Transaction | None:
    """``tx`` with its fields normalised (Kind, Decimal, compact account), or None after adding
    every problem to ``errors``."""
    before = len(errors)
    fields: dict[str, Any] = {}
    with errors.catch(path=path):
        fields["account"] = check_account(tx.account)
    with errors.catch(path=path):
        fields["kind"] = enum_member(Kind, tx.kind, path="kind", what="a transaction kind",
                                     clean=lambda kind: str(kind).strip())  # fmt: skip
    with errors.catch(path=path):
        number = tx.number.strip() if isinstance(tx.number, str) else None
        if not number:
            raise InvalidFormat("a transaction needs a number", value=tx.number, path="number")
        if len(number) > _MAX_NUMBER:
            raise InvalidLength(
                value=tx.number, path="number", expected=f"at most {_MAX_NUMBER} characters"
            )
        kind_ = fields.get("kind")
        if kind_ is not None and kind_.declaration and not (number.isdigit() and len(number) == 14):
            raise InvalidFormat(
                "a declaration's number is its 14-digit transaction number",
                value=tx.number,
                path="number",
                expected="14 digits",
            )
        fields["number"] = number
    with errors.catch(path=path):
        amount = _amount(tx.amount, "amount")
        kind_ = fields.get("kind")
        if amount == 0:
            raise InvalidFormat("must not be zero", value=tx.amount, path="amount")
        if kind_ is not None and kind_.sign and (amount > 0) != (kind_.sign > 0):
            side = "a debit (positive)" if kind_.sign > 0 else "a credit (negative)"
            raise InvalidFormat(
                f"a {kind_.value} is {side}", value=tx.amount, path="amount", expected=side
            )
        fields["amount"] = amount
    with errors.catch(path=path):
        if not isinstance(tx.posted, date):
            raise InvalidType(value=tx.posted, path="posted", expected="a datetime.date")
    with errors.catch(path=path):
        if tx.release_date is not None and not isinstance(tx.release_date, date):
            raise InvalidType(
                value=tx.release_date, path="release_date", expected="a datetime.date"
            )
        if fields.get("kind") is Kind.CAD and tx.release_date is None:
            raise InvalidFormat("a CAD needs its release date", value=None, path="release_date")
        if (
            isinstance(tx.release_date, date)
            and isinstance(tx.posted, date)
            and tx.release_date > tx.posted
        ):
            raise InvalidFormat(
                "release date is after the posting date",
                value=tx.release_date,
                path="release_date",
                expected=f"on or before {tx.posted.isoformat()}",
            )
    if len(errors) > before:
        return None
    return attrs.evolve(tx, **fields)

"""The Accounts Receivable Ledger: transactions, payments, offsets, statements and reconciliation.

>>> from datetime import date
>>> from decimal import Decimal
>>> from carm import ledger
>>> book = ledger.Ledger()
>>> _ = book.post(ledger.Transaction(account="123026635RM0001", number="12345000000421", kind="CAD",
...                                  amount=Decimal("200.00"), posted=date(2026, 3, 2),
...                                  release_date=date(2026, 2, 27)))
>>> payment, applied = book.pay(account="123026635RM0001", amount=Decimal("150.00"),
...                             received=date(2026, 3, 30))
>>> book.balance("123026635RM0001")
Decimal('50.00')
>>> [(item.transaction.number, item.remaining) for item in book.open_items("123026635RM0001")]
[('12345000000421', Decimal('50.00'))]

Amounts are what the account owes: debits positive, credits negative (see ``Transaction``).
"""

from carm.ledger._book import ALLOCATION_ORDERS, Ledger
from carm.ledger._interest import InterestRates, InterestSettings, Waiver
from carm.ledger._io import COLUMNS, read_transactions, transactions_from_rows
from carm.ledger._model import Allocation, Kind, Transaction
from carm.ledger._pairs import Pairs, read_pairs, read_rows
from carm.ledger._reconcile import AmountDifference, Duplicate, Reconciliation, reconcile
from carm.ledger._security import RPPSecurity, RPPSettings
from carm.ledger._statement import DailyNotice, OpenItem, RegistrationFacts, Statement

__all__ = [
    "ALLOCATION_ORDERS",
    "COLUMNS",
    "Allocation",
    "AmountDifference",
    "DailyNotice",
    "Duplicate",
    "InterestRates",
    "InterestSettings",
    "Kind",
    "Ledger",
    "OpenItem",
    "Pairs",
    "RPPSecurity",
    "RPPSettings",
    "Reconciliation",
    "RegistrationFacts",
    "Statement",
    "Transaction",
    "Waiver",
    "read_pairs",
    "read_rows",
    "read_transactions",
    "reconcile",
    "transactions_from_rows",
]

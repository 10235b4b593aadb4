"""The Customs Tariff: duty-rate expressions (and, as they land, the schedule and treatments).

>>> from decimal import Decimal
>>> from carm import tariff
>>> tariff.parse_rate("18%").duty(Decimal("1200.00"))
Decimal('216.00')
"""

from carm.tariff.rates import (
    AdValorem,
    Bounded,
    Compound,
    Evaluation,
    Free,
    NotAvailable,
    Rate,
    Specific,
    parse_preferential,
    parse_rate,
)

__all__ = [
    "AdValorem",
    "Bounded",
    "Compound",
    "Evaluation",
    "Free",
    "NotAvailable",
    "Rate",
    "Specific",
    "parse_preferential",
    "parse_rate",
]

"""Release Prior to Payment (RPP): the financial security an importer must have on file.

Under CARM each importer posts its own security, per RM program account: a surety bond of 50% of
its highest month of accounts receivable (duties and taxes, GST included) over the last twelve
months, or a cash deposit of 100%; at least CAD 5,000 and at most CAD 10 million; reviewed each
year on 20 October over the twelve months to 19 October. Sources (third party, reported):
Expeditors, Universal Logistics (``reference/cbsa-carm-facts.md`` section 1.7). An earlier CBSA
plan said a $25,000 minimum and a July review window; hence every figure is a setting.

The month of accounts receivable is taken as the declarations (CADs, corrections, adjustments)
of one billing period, by its statement month.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

import attrs
from dateutil.relativedelta import relativedelta

__all__ = ["RPPSecurity", "RPPSettings"]

_HUNDRED: Final = Decimal(100)


@attrs.frozen
class RPPSettings:
    bond_percent: Decimal = Decimal(50)
    cash_percent: Decimal = Decimal(100)
    minimum: Decimal = Decimal(5_000)
    maximum: Decimal = Decimal(10_000_000)
    review_month: int = 10
    review_day: int = 20


@attrs.frozen
class RPPSecurity:
    """The security an account needs, the month that set it, and whether what is on file covers it."""

    account: str
    window_start: date
    window_end: date
    highest_month: str | None  # "YYYY-MM", the statement month with the most receivable
    highest_amount: Decimal
    bond_required: Decimal
    cash_required: Decimal
    on_file: Decimal | None
    next_review: date

    @property
    def covered(self) -> bool | None:
        """Whether the security on file covers the bond requirement (None if nothing was given)."""
        return None if self.on_file is None else self.on_file >= self.bond_required


def review_window(as_of: date, settings: RPPSettings) -> tuple[date, date, date]:
    """The last review's twelve-month window (start, end) and the next review date."""
    review = date(as_of.year, settings.review_month, settings.review_day)
    if review > as_of:
        review = review - relativedelta(years=1)
    end = review - relativedelta(days=1)
    start = review - relativedelta(years=1)
    return start, end, review + relativedelta(years=1)


def requirement(highest: Decimal, percent: Decimal, settings: RPPSettings) -> Decimal:
    amount = (highest * percent / _HUNDRED).quantize(Decimal("0.01"))
    return min(max(amount, settings.minimum), settings.maximum).quantize(Decimal("0.01"))

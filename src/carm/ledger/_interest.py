"""Interest on overdue amounts.

The prescribed annual rate for a calendar quarter follows the 90-day Treasury Bill yield of the
first month of the preceding quarter (Interest Rate for Customs Purposes Regulations,
SOR/86-1121; Memorandum D17-1-19). The **specified** rate, charged on amounts owing from the day
after they became payable until paid, is the prescribed rate plus six percentage points (Memorandum
D11-6-5, paras 1-2, dated 1993). Source: ``reference/cbsa-carm-facts.md`` section 3.4.

What the sources leave open is a setting:

- the quarterly rates of 2024-2026 were not found: pass an :class:`InterestRates` table (the CBSA
  publishes each quarter's rate, e.g. TCC18-049 gave 1.1583% for Q3 2018);
- ``margin`` (default 6 points) in case D11-6-5 is no longer current;
- ``compounding``: ``"daily"`` (default; the CBSA's calculator works in daily rates) or ``"none"``;
- ``day_count`` 365 days a year;
- ``waivers``: date ranges on which no interest accrues — the CARM transition relief, whose end is
  reported as 2025-04-03 (Cole, CN 25-02) or 2026-01-31 (L.M. Clark quoting the CBSA); none by
  default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

import attrs

from carm.errors import InvalidComponent, InvalidFormat, NotInEffect
from carm.money import to_decimal

__all__ = ["InterestRates", "InterestSettings", "Waiver", "accrue"]

_HUNDRED: Final = Decimal(100)


@attrs.frozen
class Waiver:
    """No interest accrues from ``start`` to ``end`` (both included)."""

    start: date
    end: date
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@attrs.frozen
class InterestSettings:
    margin: Decimal = Decimal(6)
    compounding: str = "daily"
    day_count: int = 365
    waivers: tuple[Waiver, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.compounding not in ("daily", "none"):
            raise InvalidComponent(
                value=self.compounding, path="compounding", expected="'daily' or 'none'"
            )


@attrs.frozen
class _Quarter:
    start: date
    end: date
    prescribed: Decimal
    source: str


class InterestRates:
    """Prescribed annual rates (percent) by period, usually calendar quarters.

    >>> rates = InterestRates([(date(2018, 7, 1), date(2018, 9, 30), "1.1583", "CBSA TCC18-049")])
    >>> rates.prescribed(date(2018, 8, 15))
    Decimal('1.1583')
    """

    def __init__(self, rows: Iterable[tuple[date, date, Decimal | str, str]]) -> None:
        quarters = []
        for index, (start, end, rate, source) in enumerate(rows):
            if end < start:
                raise InvalidFormat("ends before it starts", value=end, path=f"rates[{index}].end")
            quarters.append(
                _Quarter(start, end, to_decimal(rate, path=f"rates[{index}].rate"), source)
            )
        self._quarters = tuple(sorted(quarters, key=lambda q: q.start))

    def _quarter(self, day: date) -> _Quarter:
        for quarter in self._quarters:
            if quarter.start <= day <= quarter.end:
                return quarter
        raise NotInEffect(
            f"no prescribed interest rate for {day.isoformat()}",
            value=day,
            path="rates",
            expected="a row of InterestRates covering that day (the CBSA publishes each quarter's rate)",
        )

    def prescribed(self, day: date) -> Decimal:
        return self._quarter(day).prescribed

    def source(self, day: date) -> str:
        return self._quarter(day).source


def accrue(
    principal_on: Callable[[date], Decimal],
    first_day: date,
    last_day: date,
    rates: InterestRates,
    settings: InterestSettings,
) -> Decimal:
    """Interest for each day from ``first_day`` to ``last_day`` on what is owed that day, unrounded.

    ``principal_on(day)`` is what the debt still owes at the start of ``day``; with daily
    compounding the interest accrued so far in the run is owed too.
    """
    interest = Decimal(0)
    day = first_day
    while day <= last_day:
        if not any(w.covers(day) for w in settings.waivers):
            annual = rates.prescribed(day) + settings.margin
            base = principal_on(day) + (interest if settings.compounding == "daily" else 0)
            interest += base * annual / _HUNDRED / settings.day_count
        day += timedelta(days=1)
    return interest

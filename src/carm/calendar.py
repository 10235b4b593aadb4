"""Business days and the CBSA billing cycle.

Business days
-------------
A business day is a weekday that is not a holiday. :class:`BusinessCalendar` uses the federal
holidays that federal offices such as the CBSA observe (the ``holidays`` package's Canadian
"public" and "government" categories: New Year's Day, Good Friday, Victoria Day, Canada Day, Labour
Day, the National Day for Truth and Reconciliation, Thanksgiving, Remembrance Day, Christmas and
Boxing Day, with their observed days). ``province="QC"`` adds that province's public holidays
(Quebec's Fête nationale, say), for payments made through banks there.

>>> cal = BusinessCalendar()
>>> cal.is_business_day(date(2026, 7, 1))
False
>>> cal.add_business_days(date(2026, 12, 24), 1)
datetime.date(2026, 12, 29)

Billing periods
---------------
Goods released from the 18th of one month to the 17th of the next belong to the Statement of
Account (SOA) issued on the 25th of that next month (the commercial cycle; courier low-value and
continuous-transmission goods use calendar months, see :class:`BillingCycle`). Source: CBSA, "Daily
Notice and Statement of Account", https://www.cbsa-asfc.gc.ca/prog/arl-glcc/dnsa-aqrc-eng.html

>>> period = billing_period(date(2026, 3, 2))
>>> period.start, period.end, period.statement_date, period.due_date
(datetime.date(2026, 2, 18), datetime.date(2026, 3, 17), datetime.date(2026, 3, 25), datetime.date(2026, 3, 31))

The payment due date
--------------------
Sources disagree on the rule (``reference/cbsa-carm-facts.md`` section 8), so it is a setting,
``due_date_rule=``, naming one of :data:`DUE_DATE_RULES` or passing any function of the statement
date and a calendar:

- ``"ten-business-days-after-17th"`` (the default): ten business days after the 17th of the
  statement month, "regardless of shipment type". The rule stated by CARM-era billing-cycle notes
  (PCB, https://www.pcb.ca/post/carm-billing-cycle-changes; Kibro), third-party sources.
- ``"last-day-of-month"``: the last calendar day of the statement month, deferred to the next
  business day when it is not one. The CBSA payments page
  (https://cbsa-asfc.gc.ca/prog/arl-glcc/pay-paie-eng.html) publishes such deferrals per month.
- ``"last-business-day-of-month"``: the pre-CARM ARL rule.

:class:`PublishedDueDates` puts the CBSA's own published table first and falls back to a rule for
months the table does not list.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from types import MappingProxyType
from typing import Final, Protocol

import attrs
from dateutil.relativedelta import relativedelta

from carm.errors import InvalidComponent, InvalidFormat, InvalidType, enum_member

__all__ = [
    "DEFAULT_DUE_DATE_RULE",
    "DUE_DATE_RULES",
    "PROVINCES",
    "BillingCycle",
    "BillingPeriod",
    "BusinessCalendar",
    "DueDateRule",
    "PublishedDueDates",
    "billing_period",
    "last_business_day_of_month",
    "last_day_of_month",
    "province_code",
    "ten_business_days_after_17th",
]

PROVINCES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "AB": "Alberta",
        "BC": "British Columbia",
        "MB": "Manitoba",
        "NB": "New Brunswick",
        "NL": "Newfoundland and Labrador",
        "NS": "Nova Scotia",
        "NT": "Northwest Territories",
        "NU": "Nunavut",
        "ON": "Ontario",
        "PE": "Prince Edward Island",
        "QC": "Quebec",
        "SK": "Saskatchewan",
        "YT": "Yukon",
    }
)
"""Canadian provinces and territories by their two-letter codes."""

_SATURDAY: Final = 5
_STATEMENT_DAY: Final = 25
_PERIOD_START_DAY: Final = 18
_PERIOD_END_DAY: Final = 17


def _check_date(value: object, path: str) -> date:
    # datetime is a date subclass; a datetime here would make comparisons raise later.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidType(value=value, path=path, expected="a datetime.date")
    return value


def province_code(value: object) -> str:
    """A province or territory's two-letter code, upper-cased and checked.

    >>> province_code("qc")
    'QC'
    """
    code = _province(value)
    if code is None:
        raise InvalidType(value=value, path="province", expected="a two-letter code such as 'ON'")
    return code


def _province(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidType(value=value, path="province", expected="a two-letter code such as 'ON'")
    code = value.strip().upper()
    if code not in PROVINCES:
        raise InvalidComponent(
            "is not a Canadian province or territory",
            value=value,
            path="province",
            expected="one of " + ", ".join(PROVINCES),
        )
    return code


def _frozen_holidays(days: Mapping[date, str]) -> Mapping[date, str]:
    return MappingProxyType(
        {_check_date(day, "extra_holidays"): name for day, name in days.items()}
    )


def _frozen_table(table: Mapping[tuple[int, int], date]) -> Mapping[tuple[int, int], date]:
    return MappingProxyType(dict(table))


@cache
def _holidays(province: str | None, year: int) -> Mapping[date, str]:
    import holidays  # heavy: loaded on first use so that `import carm` stays fast

    federal = holidays.country_holidays("CA", years=year, categories=("public", "government"))
    found: dict[date, str] = dict(federal.items())
    if province is not None:
        for day, name in holidays.country_holidays("CA", subdiv=province, years=year).items():
            found.setdefault(day, name)
    return MappingProxyType(found)


@attrs.frozen
class BusinessCalendar:
    """Weekdays less federal holidays, plus a province's own holidays when ``province`` is set.

    >>> BusinessCalendar("qc").holiday_name(date(2026, 6, 24))
    'Saint John the Baptist Day'
    >>> BusinessCalendar().holiday_name(date(2026, 6, 24)) is None
    True
    """

    province: str | None = attrs.field(default=None, converter=_province)
    extra_holidays: Mapping[date, str] = attrs.field(
        factory=dict, converter=_frozen_holidays, hash=False
    )
    """Closures that no holiday rule knows (a storm, a system outage), date to name."""

    def holidays(self, year: int) -> Mapping[date, str]:
        """The holidays of ``year``: date to name."""
        found = _holidays(self.province, year)
        extra = {day: name for day, name in self.extra_holidays.items() if day.year == year}
        if not extra:
            return found
        return MappingProxyType({**found, **extra})

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday on ``day``, or ``None``."""
        return self.holidays(_check_date(day, "day").year).get(day)

    def is_business_day(self, day: date) -> bool:
        _check_date(day, "day")
        return day.weekday() < _SATURDAY and day not in self.holidays(day.year)

    def next_business_day(self, day: date, *, inclusive: bool = False) -> date:
        """The first business day after ``day`` (or ``day`` itself when ``inclusive`` and it is one)."""
        current = day if inclusive else day + timedelta(days=1)
        while not self.is_business_day(current):
            current += timedelta(days=1)
        return current

    def previous_business_day(self, day: date, *, inclusive: bool = False) -> date:
        """The last business day before ``day`` (or ``day`` itself when ``inclusive`` and it is one)."""
        current = day if inclusive else day - timedelta(days=1)
        while not self.is_business_day(current):
            current -= timedelta(days=1)
        return current

    def add_business_days(self, day: date, count: int) -> date:
        """The date ``count`` business days after ``day`` (before it when ``count`` is negative).

        >>> BusinessCalendar().add_business_days(date(2026, 3, 17), 10)
        datetime.date(2026, 3, 31)
        """
        _check_date(day, "day")
        if isinstance(count, bool) or not isinstance(count, int):
            raise InvalidType(value=count, path="count", expected="an int")
        step = timedelta(days=1 if count >= 0 else -1)
        current = day
        for _ in range(abs(count)):
            current += step
            while not self.is_business_day(current):
                current += step
        return current

    def business_days(self, start: date, end: date) -> Iterator[date]:
        """The business days from ``start`` to ``end``, both included."""
        current = _check_date(start, "start")
        _check_date(end, "end")
        while current <= end:
            if self.is_business_day(current):
                yield current
            current += timedelta(days=1)

    def business_days_between(self, start: date, end: date) -> int:
        """How many business days lie after ``start`` up to and including ``end``.

        Negative when ``end`` is before ``start``: minus the business days from ``end`` up to
        the day before ``start``.

        >>> BusinessCalendar().business_days_between(date(2026, 3, 17), date(2026, 3, 31))
        10
        """
        if end < start:
            # mirror of the forward count, so that add_business_days and this agree both ways
            return -sum(1 for _ in self.business_days(end, start - timedelta(days=1)))
        return sum(1 for _ in self.business_days(start + timedelta(days=1), end))


class DueDateRule(Protocol):
    """A payment due-date rule: the statement date and a calendar in, the due date out."""

    def __call__(self, statement_date: date, calendar: BusinessCalendar, /) -> date: ...


def ten_business_days_after_17th(statement_date: date, calendar: BusinessCalendar) -> date:
    """Ten business days after the 17th of the statement month (CARM billing-cycle notes, [3P])."""
    return calendar.add_business_days(statement_date.replace(day=_PERIOD_END_DAY), 10)


def last_day_of_month(statement_date: date, calendar: BusinessCalendar) -> date:
    """The month's last day, deferred to the next business day (CBSA payments page)."""
    month_end = statement_date + relativedelta(day=31)
    return calendar.next_business_day(month_end, inclusive=True)


def last_business_day_of_month(statement_date: date, calendar: BusinessCalendar) -> date:
    """The month's last business day (the pre-CARM ARL rule)."""
    month_end = statement_date + relativedelta(day=31)
    return calendar.previous_business_day(month_end, inclusive=True)


DUE_DATE_RULES: Final[Mapping[str, DueDateRule]] = MappingProxyType(
    {
        "ten-business-days-after-17th": ten_business_days_after_17th,
        "last-day-of-month": last_day_of_month,
        "last-business-day-of-month": last_business_day_of_month,
    }
)
"""The named due-date rules; the module docstring gives each one's source."""

DEFAULT_DUE_DATE_RULE: Final = "ten-business-days-after-17th"


@attrs.frozen
class PublishedDueDates:
    """The CBSA's published due dates, keyed by statement month, falling back to a rule.

    >>> rule = PublishedDueDates({(2021, 2): date(2021, 3, 3)}, fallback="last-day-of-month")
    >>> billing_period(date(2021, 2, 1), due_date_rule=rule).due_date
    datetime.date(2021, 3, 3)
    >>> billing_period(date(2021, 1, 1), due_date_rule=rule).due_date
    datetime.date(2021, 2, 1)
    """

    table: Mapping[tuple[int, int], date] = attrs.field(converter=_frozen_table)
    fallback: str | DueDateRule = DEFAULT_DUE_DATE_RULE

    def __call__(self, statement_date: date, calendar: BusinessCalendar, /) -> date:
        published = self.table.get((statement_date.year, statement_date.month))
        if published is not None:
            return published
        return _rule(self.fallback)(statement_date, calendar)


def _rule(rule: str | DueDateRule) -> DueDateRule:
    if callable(rule):
        return rule
    try:
        return DUE_DATE_RULES[rule]
    except (KeyError, TypeError):
        raise InvalidComponent(
            "is not a due-date rule",
            value=rule,
            path="due_date_rule",
            expected="one of " + ", ".join(DUE_DATE_RULES) + " or a function",
        ) from None


class BillingCycle(enum.Enum):
    """Which goods a statement covers (CBSA, "Daily Notice and Statement of Account").

    - ``COMMERCIAL``: released from the 18th of month 1 to the 17th of month 2 (commercial goods,
      non-RPP importers, Customs Self-Assessment option 2).
    - ``CALENDAR_MONTH``: released in calendar month 1 (Courier Low Value Shipments, Continuous
      Transmission Commodities, Customs Self-Assessment option 1).

    Either way the statement is issued on the 25th of month 2.
    """

    COMMERCIAL = "commercial"
    CALENDAR_MONTH = "calendar-month"


@attrs.frozen
class BillingPeriod:
    """The goods released from ``start`` to ``end`` (both included), billed on ``statement_date``.

    ``due_date`` is when payment of the statement is due, by the rule the period was built with.
    """

    start: date
    end: date
    statement_date: date
    due_date: date
    cycle: BillingCycle = BillingCycle.COMMERCIAL

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        """The statement month, ``YYYY-MM``."""
        return f"{self.statement_date:%Y-%m}"


def billing_period(
    released: date,
    *,
    cycle: BillingCycle | str = BillingCycle.COMMERCIAL,
    due_date_rule: str | DueDateRule = DEFAULT_DUE_DATE_RULE,
    calendar: BusinessCalendar | None = None,
) -> BillingPeriod:
    """The billing period that goods released on ``released`` belong to.

    >>> p = billing_period(date(2026, 3, 18))
    >>> p.start, p.end, p.statement_date, p.due_date
    (datetime.date(2026, 3, 18), datetime.date(2026, 4, 17), datetime.date(2026, 4, 25), datetime.date(2026, 5, 1))
    >>> p = billing_period(date(2026, 3, 18), cycle="calendar-month", due_date_rule="last-day-of-month")
    >>> p.start, p.end, p.statement_date, p.due_date
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), datetime.date(2026, 4, 25), datetime.date(2026, 4, 30))
    """
    _check_date(released, "released")
    cycle = enum_member(BillingCycle, cycle, path="cycle", what="a billing cycle")
    rule = _rule(due_date_rule)
    calendar = calendar or BusinessCalendar()
    if cycle is BillingCycle.COMMERCIAL:
        first_month = released.replace(day=1)
        if released.day < _PERIOD_START_DAY:
            first_month -= relativedelta(months=1)
        start = first_month.replace(day=_PERIOD_START_DAY)
        end = (first_month + relativedelta(months=1)).replace(day=_PERIOD_END_DAY)
    else:
        start = released.replace(day=1)
        end = start + relativedelta(day=31)
    statement_date = (start + relativedelta(months=1)).replace(day=_STATEMENT_DAY)
    due = rule(statement_date, calendar)
    if not isinstance(due, date):
        raise InvalidFormat("due-date rule did not return a date", value=due, path="due_date_rule")
    return BillingPeriod(start, end, statement_date, due, cycle)

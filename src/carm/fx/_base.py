"""What every exchange-rate source shares: quotes, the date rule, and dated observation tables."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, Protocol, runtime_checkable

import attrs

from carm.errors import InvalidComponent, InvalidFormat, InvalidType, NotInEffect, enum_member
from carm.money import known_currencies

__all__ = [
    "DEFAULT_DATE_RULE",
    "DEFAULT_MAX_AGE_DAYS",
    "DateRule",
    "ExchangeRateSource",
    "ObservationTable",
    "Quote",
    "currency_code",
]

DEFAULT_MAX_AGE_DAYS: Final = 7
"""How far back a dated source may look for a rate before saying it has none (calendar days)."""


class DateRule(enum.Enum):
    """Which published rate "prevails" on a date.

    The CBSA converts at the rate prevailing on the date of direct shipment (Customs Act s.55;
    Memorandum D13-2-3 para 2). The Bank of Canada publishes each business day's rate at about
    16:30 ET and the CBSA loads it that evening, so for most of a day the rate in force is the
    previous business day's (``reference/duty-and-tax-rules.md`` section 1.1: an inference, not a
    quoted rule). Hence a setting:

    - ``LATEST_BEFORE`` (the default): the latest rate published before the date;
    - ``ON_OR_BEFORE``: the rate of the date itself when there is one, else the latest before;
    - ``SAME_DAY``: only the rate of the date itself.
    """

    LATEST_BEFORE = "latest-before"
    ON_OR_BEFORE = "on-or-before"
    SAME_DAY = "same-day"


DEFAULT_DATE_RULE: Final = DateRule.LATEST_BEFORE


def currency_code(value: object, *, path: str = "currency") -> str:
    """An ISO 4217 code, upper-cased and checked."""
    if not isinstance(value, str):
        raise InvalidType(value=value, path=path, expected="a currency code such as 'USD'")
    code = value.strip().upper()
    if code not in known_currencies():
        raise InvalidComponent(
            "is not a known currency", value=value, path=path, expected="an ISO 4217 code"
        )
    return code


@attrs.frozen
class Quote:
    """A rate: how many Canadian dollars one unit of ``currency`` is worth, and where it came from."""

    currency: str
    rate: Decimal
    requested: date | None
    observed: date | None
    source: str
    rule: str

    def explain(self) -> str:
        if self.currency == "CAD":
            return "CAD needs no conversion"
        when = f" of {self.observed.isoformat()}" if self.observed else ""
        asked = f" for {self.requested.isoformat()}" if self.requested else ""
        return (
            f"1 {self.currency} = {self.rate} CAD ({self.source}, rate{when}{asked}; {self.rule})"
        )


@runtime_checkable
class ExchangeRateSource(Protocol):
    """Anything that quotes a currency for a date: fixed tables, files, web services."""

    def quote(self, currency: str, on: date | None) -> Quote: ...


def cad_quote(on: date | None, source: str) -> Quote:
    return Quote("CAD", Decimal(1), on, on, source, "the Canadian dollar itself")


class ObservationTable:
    """Dated rates per currency, looked up by a :class:`DateRule` with a maximum age."""

    def __init__(
        self,
        observations: Mapping[str, Iterable[tuple[date, Decimal]]],
        *,
        source: str,
        rule: DateRule | str = DEFAULT_DATE_RULE,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    ) -> None:
        self.source = source
        self.rule = enum_member(DateRule, rule, path="rule", what="a date rule")
        self.max_age = timedelta(days=max_age_days)
        self._dates: dict[str, list[date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, series in observations.items():
            ordered = sorted(series)
            self._dates[currency] = [day for day, _ in ordered]
            self._rates[currency] = [rate for _, rate in ordered]

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self._dates)

    def quote(self, currency: str, on: date | None) -> Quote:
        code = currency_code(currency)
        if code == "CAD":
            return cad_quote(on, self.source)
        if not isinstance(on, date):
            raise InvalidType(
                "a dated source needs the date of direct shipment",
                value=on,
                path="on",
                expected="a datetime.date",
            )
        dates = self._dates.get(code)
        if dates is None:
            raise NotInEffect(
                f"{self.source} has no {code} rates",
                value=code,
                path="currency",
                expected="one of " + ", ".join(sorted(self._dates)) if self._dates else None,
            )
        if self.rule is DateRule.LATEST_BEFORE:
            index = bisect.bisect_left(dates, on) - 1
        else:
            index = bisect.bisect_right(dates, on) - 1
        found = dates[index] if index >= 0 else None
        if found is not None and self.rule is DateRule.SAME_DAY and found != on:
            found = None
        if found is None or on - found > self.max_age:
            extent = f"; its rates run {dates[0]} to {dates[-1]}" if dates else ""
            raise NotInEffect(
                f"{self.source} has no {code} rate for {on.isoformat()} "
                f"({self.rule.value}, at most {self.max_age.days} days old{extent})",
                value=on,
                path=f"exchange_rates.{code}",
            )
        return Quote(code, self._rates[code][index], on, found, self.source, self.rule.value)


def parse_rate_text(text: str, *, path: str) -> Decimal:
    """A published rate (``"1.3435"``); blanks and non-positive values are refused."""
    try:
        rate = Decimal(text.strip())
    except ArithmeticError:
        raise InvalidFormat(
            value=text, path=path, expected="a decimal rate such as 1.3435"
        ) from None
    if not rate.is_finite() or rate <= 0:
        raise InvalidFormat("must be a positive rate", value=text, path=path)
    return rate

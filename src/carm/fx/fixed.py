"""A fixed table of exchange rates: what a caller passes as ``exchange_rates={"USD": ...}``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from carm.errors import ErrorCollector, InvalidFormat, NotInEffect
from carm.fx._base import Quote, cad_quote, currency_code
from carm.money import to_decimal

__all__ = ["FixedRates"]


class FixedRates:
    """The same rate for a currency whatever the date: CAD per one unit of the currency.

    >>> rates = FixedRates({"usd": "1.3712"})
    >>> rates.quote("USD", None).rate
    Decimal('1.3712')
    >>> rates.quote("EUR", None)
    Traceback (most recent call last):
    ...
    carm.errors.NotInEffect: exchange_rates.EUR: no EUR rate was given: expected exchange_rates={'EUR': ...} or an exchange-rate source (fx=...)
    """

    def __init__(self, rates: Mapping[str, object], *, source: str = "rates given") -> None:
        self.source = source
        errors = ErrorCollector("the exchange rates are not valid")
        checked: dict[str, Decimal] = {}
        for currency, rate in rates.items():
            with errors.catch(path=f"exchange_rates[{currency!r}]"):
                code = currency_code(currency)
                value = to_decimal(rate, path="rate")
                if value <= 0:
                    raise InvalidFormat("must be a positive rate", value=rate, path="rate")
                checked[code] = value
        errors.raise_if_any()
        self.rates: Mapping[str, Decimal] = checked

    def quote(self, currency: str, on: date | None) -> Quote:
        code = currency_code(currency)
        if code == "CAD":
            return cad_quote(on, self.source)
        rate = self.rates.get(code)
        if rate is None:
            raise NotInEffect(
                f"no {code} rate was given",
                path=f"exchange_rates.{code}",
                expected=f"exchange_rates={{{code!r}: ...}} or an exchange-rate source (fx=...)",
            )
        return Quote(code, rate, on, None, self.source, "a fixed rate, whatever the date")

    def __repr__(self) -> str:
        return f"FixedRates({dict(self.rates)!r})"

"""Money as ``Decimal`` with a currency, one named rounding policy, and en_CA / fr_CA formatting.

Amounts are never floats: a float cannot hold most cent values exactly (``0.1 + 0.2 != 0.3``), so
every entry point rejects one with :class:`~carm.errors.InvalidType`. Pass a ``str``, an ``int``
or a ``Decimal``.

>>> Money("1234.5", "CAD") + Money("0.25", "CAD")
Money('1234.75', 'CAD')
>>> format_money(Money("1234.5", "CAD"), locale="en_CA")
'$1,234.50'
>>> format_money(Money("1234.5", "CAD"), locale="fr_CA")
'1\\xa0234,50\\xa0$'
>>> Money(0.1, "CAD")
Traceback (most recent call last):
...
carm.errors.InvalidType: amount: a float cannot hold money exactly: expected a str, int or Decimal, e.g. Decimal('0.1') (got 0.1)

Rounding
--------
No official CBSA rule for rounding duty and tax amounts on a CAD was found. Published CBSA and
broker worked examples round each computed amount to the cent, half up, one step at a time, and
add rounded amounts to get totals (``reference/duty-and-tax-rules.md`` section 8). That is
:data:`HALF_UP_CENT`, the :data:`DEFAULT_ROUNDING`; every place in carm that rounds money takes a
``rounding=`` argument so a caller can choose another :class:`RoundingPolicy`.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from functools import cache
from typing import Final, Self

import attrs
from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, list_currencies

from carm.errors import CurrencyMismatch, InvalidComponent, InvalidFormat, InvalidType

__all__ = [
    "DEFAULT_ROUNDING",
    "HALF_EVEN_CENT",
    "HALF_UP_CENT",
    "Money",
    "RoundingPolicy",
    "check_locale",
    "format_money",
    "known_currencies",
    "round_amount",
    "to_decimal",
]

MoneyInput = Decimal | int | str


def to_decimal(value: object, *, path: str = "amount") -> Decimal:
    """Turn ``value`` into a finite ``Decimal``, refusing floats, bools, NaN and infinities.

    >>> to_decimal("12.50")
    Decimal('12.50')
    >>> to_decimal(" 7 ")
    Decimal('7')
    >>> to_decimal("12,50", path="lines[0].value")
    Traceback (most recent call last):
    ...
    carm.errors.InvalidFormat: lines[0].value: is not a number: expected digits with an optional sign and decimal point, e.g. '1234.50' (got '12,50')
    """
    if isinstance(value, bool):
        raise InvalidType(
            "a bool is not an amount", value=value, path=path, expected="a str, int or Decimal"
        )
    if isinstance(value, float):
        raise InvalidType(
            "a float cannot hold money exactly",
            value=value,
            path=path,
            expected=f"a str, int or Decimal, e.g. Decimal({str(value)!r})",
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise InvalidFormat(
                "is not a number",
                value=value,
                path=path,
                expected="digits with an optional sign and decimal point, e.g. '1234.50'",
            ) from None
    else:
        raise InvalidType(value=value, path=path, expected="a str, int or Decimal")
    if not number.is_finite():
        raise InvalidFormat("is not a finite number", value=value, path=path)
    return number


@cache
def known_currencies() -> frozenset[str]:
    """ISO 4217 currency codes that carm accepts (those that babel knows)."""
    return frozenset(list_currencies())


def _currency(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidType(value=value, path="currency", expected="an ISO 4217 code such as 'CAD'")
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise InvalidFormat(
            value=value, path="currency", expected="three letters (ISO 4217), e.g. 'CAD'"
        )
    if code not in known_currencies():
        raise InvalidComponent(
            "is not a known currency", value=value, path="currency", expected="an ISO 4217 code"
        )
    return code


@attrs.frozen
class RoundingPolicy:
    """How an amount is rounded: to a multiple of ``quantum`` with a ``decimal`` rounding mode.

    >>> HALF_UP_CENT.round(Decimal("2.345"))
    Decimal('2.35')
    >>> HALF_EVEN_CENT.round(Decimal("2.345"))
    Decimal('2.34')
    """

    name: str
    quantum: Decimal = Decimal("0.01")
    mode: str = decimal.ROUND_HALF_UP

    def round(self, amount: Decimal) -> Decimal:
        # Positional: passing rounding= by keyword doubles the cost of a quantize.
        return amount.quantize(self.quantum, self.mode)


HALF_UP_CENT: Final = RoundingPolicy("half-up to the cent", Decimal("0.01"), decimal.ROUND_HALF_UP)
"""Half up to the cent: what CBSA and broker worked examples show (see the module docstring)."""

HALF_EVEN_CENT: Final = RoundingPolicy(
    "half-even to the cent", Decimal("0.01"), decimal.ROUND_HALF_EVEN
)
"""Banker's rounding to the cent, for callers whose books round that way."""

DEFAULT_ROUNDING: Final = HALF_UP_CENT
"""The policy used wherever carm rounds money and the caller did not choose one."""


def round_amount(amount: MoneyInput, rounding: RoundingPolicy | None = None) -> Decimal:
    """Round ``amount`` with ``rounding`` (default :data:`DEFAULT_ROUNDING`).

    >>> round_amount("0.125")
    Decimal('0.13')
    >>> round_amount("-0.125")
    Decimal('-0.13')
    """
    return (rounding or DEFAULT_ROUNDING).round(to_decimal(amount))


def _amount(value: object) -> Decimal:
    return to_decimal(value, path="amount")


@attrs.frozen(repr=False, order=False)
class Money:
    """An exact amount in one currency.

    Adding, subtracting or comparing two amounts needs the same currency (else
    :class:`~carm.errors.CurrencyMismatch`); multiplying or dividing takes a ``Decimal`` or ``int``
    factor. The amount keeps every decimal it was given; :meth:`round` applies a rounding policy.

    >>> total = sum([Money("19.99", "CAD"), Money("5.01", "CAD")], Money.zero("CAD"))
    >>> total
    Money('25.00', 'CAD')
    >>> (total * Decimal("0.13")).round()
    Money('3.25', 'CAD')
    >>> Money("1", "CAD") + Money("1", "USD")
    Traceback (most recent call last):
    ...
    carm.errors.CurrencyMismatch: currency: cannot add USD to CAD: expected CAD (got 'USD')
    """

    amount: Decimal = attrs.field(converter=_amount)
    currency: str = attrs.field(default="CAD", converter=_currency)

    @classmethod
    def zero(cls, currency: str = "CAD") -> Self:
        return cls(Decimal(0), currency)

    def _same_currency(self, other: Money, verb: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot {verb} {other.currency} to {self.currency}"
                if verb == "add"
                else f"cannot {verb} {other.currency} and {self.currency}",
                value=other.currency,
                path="currency",
                expected=self.currency,
            )

    def _other(self, other: object, verb: str) -> Money:
        if not isinstance(other, Money):
            raise InvalidType(
                f"cannot {verb} a {type(other).__name__} and Money",
                value=other,
                path="amount",
                expected=f"Money in {self.currency}",
            )
        self._same_currency(other, verb)
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._other(other, "add").amount, self.currency)

    def __radd__(self, other: object) -> Money:
        # sum() starts from 0; let it.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return self._other(other, "add") + self

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._other(other, "subtract").amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        return Money(self.amount * to_decimal(factor, path="factor"), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        number = to_decimal(divisor, path="divisor")
        if not number:
            raise InvalidFormat("cannot divide by zero", value=divisor, path="divisor")
        return Money(self.amount / number, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._other(other, "compare").amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._other(other, "compare").amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._other(other, "compare").amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._other(other, "compare").amount

    def round(self, rounding: RoundingPolicy | None = None) -> Money:
        """This amount rounded with ``rounding`` (default :data:`DEFAULT_ROUNDING`)."""
        return Money((rounding or DEFAULT_ROUNDING).round(self.amount), self.currency)

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def check_locale(locale: object) -> Locale:
    """The babel ``Locale`` for a name such as ``"fr_CA"`` (or ``"fr-CA"``); InvalidComponent if unknown."""
    return _locale(locale)


def _locale(locale: object) -> Locale:
    if not isinstance(locale, str):
        raise InvalidType(value=locale, path="locale", expected="a locale name such as 'en_CA'")
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise InvalidComponent(
            "is not a known locale", value=locale, path="locale", expected="e.g. 'en_CA' or 'fr_CA'"
        ) from None


def format_money(
    money: Money, locale: str = "en_CA", *, rounding: RoundingPolicy | None = None
) -> str:
    """Format ``money`` the way ``locale`` writes amounts, rounded to the currency's minor unit.

    The amount is rounded with ``rounding`` (default :data:`DEFAULT_ROUNDING`) to the currency's
    decimals first, so formatting never rounds differently from the rest of carm.

    >>> format_money(Money("-1234567.891", "CAD"), "fr_CA")
    '-1\\xa0234\\xa0567,89\\xa0$'
    >>> format_money(Money("10", "USD"), "en_CA")
    'US$10.00'
    >>> format_money(Money("10", "CAD"), "xx_YY")
    Traceback (most recent call last):
    ...
    carm.errors.InvalidComponent: locale: is not a known locale: expected e.g. 'en_CA' or 'fr_CA' (got 'xx_YY')
    """
    if not isinstance(money, Money):
        raise InvalidType(value=money, path="money", expected="a carm.money.Money")
    parsed = _locale(locale)
    policy = rounding or DEFAULT_ROUNDING
    digits = get_currency_precision(money.currency)
    amount = money.amount.quantize(Decimal(1).scaleb(-digits), rounding=policy.mode)
    return format_currency(amount, money.currency, locale=parsed, decimal_quantization=False)

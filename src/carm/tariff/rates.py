"""Duty-rate expressions of the Customs Tariff, parsed once and evaluated exactly with ``Decimal``.

>>> r = parse_rate("245.5% but not less than $4.52/kg")
>>> r.duty(value_for_duty=Decimal("100.00"), quantities={"KGM": Decimal("100")})
Decimal('452.00')
>>> print(r.explain(value_for_duty=Decimal("100.00"), quantities={"KGM": Decimal("100")}))
245.5% but not less than $4.52/kg = 452.00 (the minimum applies: 452.00 > 245.500)
  245.5% of 100.00 = 245.500
  $4.52/kg × 100 kg = 452.00

Forms (each with one small evaluator, as in the UK duty calculator's design):

- ``Free``; ``N/A`` (the treatment does not apply to the line: evaluating it raises);
- ad valorem, ``18%``: that percentage of the value for duty;
- specific, ``3.32¢/kg``, ``$1.45/kg``, ``0.86¢each``, ``1.87¢/litre``, ``$34.50/hl``, per litre of
  absolute ethyl alcohol, per dozen, per m², per tonne...: the amount times the quantity in that
  unit, converted exactly from another unit the caller gave (g and kg, mL and L, units and dozens);
- compound, ``8.47¢/kg plus 8.5%``: the sum of its parts;
- a floor, ``245.5% but not less than $4.52/kg``: the larger of the two; a cap, ``… but not more
  than …``: the smaller; both, ``5% but not less than 4.74¢/kg or more than 9.48¢/kg``: the base
  held between them.

Anything else raises :class:`~carm.errors.InvalidFormat` quoting the text: never a silent zero.
Amounts come back unrounded (``duty(..., rounding=...)`` rounds); the caller rounds where the law
says, with :mod:`carm.money`'s policy.

:func:`parse_preferential` reads the schedule's "Applicable Preferential Tariffs" column
(``"CCCT, LDCT, UST: Free GPT 7.5%"``) into a rate per treatment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Final

import attrs

from carm.errors import InvalidComponent, InvalidFormat, InvalidType, MissingQuantity
from carm.money import RoundingPolicy, to_decimal
from carm.tariff._units import (
    UNIT_NAMES,
    convert_quantity,
    convertible_from,
    unit_code,
    unit_symbol,
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

Quantities = Mapping[str, Decimal]
_HUNDRED: Final = Decimal(100)


@attrs.frozen
class Evaluation:
    """How a rate gave its amount: the rule, the formula with numbers, and the parts it combined."""

    rule: str
    amount: Decimal
    formula: str
    parts: tuple[Evaluation, ...] = ()
    note: str | None = None

    def lines(self, depth: int = 0) -> list[str]:
        head = f"{'  ' * depth}{self.formula} = {_figure(self.amount)}"
        if self.note:
            head += f" ({self.note})"
        found = [head]
        for part in self.parts:
            found.extend(part.lines(depth + 1))
        return found

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _figure(amount: Decimal) -> str:
    """An amount as the explanation prints it: to the cent at least, every decimal it has."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return str(amount.quantize(Decimal("0.01")))
    return str(amount)


def _positive(value: object, path: str) -> Decimal:
    number = to_decimal(value, path=path)
    if number < 0:
        raise InvalidFormat("must not be negative", value=value, path=path)
    return number


def _quantities(quantities: Mapping[str, object] | None) -> dict[str, Decimal]:
    if quantities is None:
        return {}
    if not isinstance(quantities, Mapping):
        raise InvalidType(
            value=quantities, path="quantities", expected="a mapping of unit to amount"
        )
    found: dict[str, Decimal] = {}
    for unit, amount in quantities.items():
        code = unit_code(unit, path=f"quantities[{unit!r}]")
        found[code] = _positive(amount, f"quantities.{code}")
    return found


def _fast_value(value: object) -> Decimal:
    if type(value) is Decimal and value.is_finite() and value >= 0:
        return value
    return _positive(value, "value_for_duty")


def _fast_quantities(quantities: Mapping[str, object] | None) -> Quantities:
    # Callers in bulk pass canonical codes and Decimals: take those as they are.
    if quantities is None:
        return _NO_QUANTITIES
    if type(quantities) is dict and all(
        key in UNIT_NAMES and type(amount) is Decimal and amount.is_finite() and amount >= 0
        for key, amount in quantities.items()
    ):
        return quantities
    return _quantities(quantities)


_NO_QUANTITIES: Final[Quantities] = {}


@attrs.frozen
class Rate:
    """A duty rate. Subclasses hold one form each; all share this interface."""

    @property
    def available(self) -> bool:
        """False for ``N/A``: the treatment does not apply to the line."""
        return True

    @property
    def units(self) -> frozenset[str]:
        """The unit codes whose quantities this rate needs."""
        return frozenset()

    @property
    def text(self) -> str:
        """The rate written the way the Customs Tariff writes it; it parses back to this rate."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.text

    def _evaluate(self, value: Decimal, quantities: Quantities) -> Evaluation:
        raise NotImplementedError

    def _amount(self, value: Decimal, quantities: Quantities) -> Decimal:
        # The duty alone, without building the explanation: the bulk path.
        return self._evaluate(value, quantities).amount

    def unchecked_duty(self, value_for_duty: Decimal, quantities: Quantities) -> Decimal:
        """:meth:`duty` without checking its inputs, for engines that already did.

        ``value_for_duty`` must be a finite ``Decimal`` ≥ 0 and ``quantities`` a mapping of unit
        codes (``"KGM"``) to such Decimals; anything else gives undefined results.
        """
        return self._amount(value_for_duty, quantities)

    def evaluate(
        self, value_for_duty: object = Decimal(0), quantities: Mapping[str, object] | None = None
    ) -> Evaluation:
        """The duty with its working, unrounded."""
        return self._evaluate(_positive(value_for_duty, "value_for_duty"), _quantities(quantities))

    def duty(
        self,
        value_for_duty: object = Decimal(0),
        quantities: Mapping[str, object] | None = None,
        *,
        rounding: RoundingPolicy | None = None,
    ) -> Decimal:
        """The duty on goods of this value (CAD) and these quantities (unit code to amount).

        Unrounded unless ``rounding`` is given.
        """
        amount = self._amount(_fast_value(value_for_duty), _fast_quantities(quantities))
        return rounding.round(amount) if rounding else amount

    def explain(
        self, value_for_duty: object = Decimal(0), quantities: Mapping[str, object] | None = None
    ) -> str:
        """The working of :meth:`duty` as indented text, one line per step."""
        return str(self.evaluate(value_for_duty, quantities))


@attrs.frozen
class Free(Rate):
    """No duty."""

    @property
    def text(self) -> str:
        return "Free"

    def _evaluate(self, value: Decimal, quantities: Quantities) -> Evaluation:
        return Evaluation("Free", Decimal(0), "Free")

    def _amount(self, value: Decimal, quantities: Quantities) -> Decimal:
        return Decimal(0)


@attrs.frozen
class NotAvailable(Rate):
    """``N/A``: the treatment cannot be claimed on this line."""

    @property
    def available(self) -> bool:
        return False

    @property
    def text(self) -> str:
        return "N/A"

    def _evaluate(self, value: Decimal, quantities: Quantities) -> Evaluation:
        raise InvalidComponent(
            "the rate is N/A: this treatment does not apply to this line",
            value="N/A",
            path="rate",
            expected="another treatment",
        )


@attrs.frozen
class AdValorem(Rate):
    """A percentage of the value for duty."""

    percent: Decimal
    # The percent over 100, divided once: the engine multiplies by it on every line. The product
    # equals value × percent / 100 exactly (Decimal keeps every digit at this size).
    _share: Decimal = attrs.field(init=False, eq=False, repr=False)

    @_share.default
    def _divide(self) -> Decimal:
        return self.percent / _HUNDRED

    @property
    def text(self) -> str:
        return f"{self.percent}%"

    def _evaluate(self, value: Decimal, quantities: Quantities) -> Evaluation:
        amount = self._amount(value, quantities)
        return Evaluation(self.text, amount, f"{self.percent}% of {_figure(value)}")

    def _amount(self, value: Decimal, quantities: Quantities) -> Decimal:
        return value * self.percent / _HUNDRED

    def unchecked_duty(self, value_for_duty: Decimal, quantities: Quantities) -> Decimal:
        # Equal in value to duty(); its exponent may differ (180.0000, not 180.00), which the
        # engine's rounding does away with.
        return value_for_duty * self._share


@attrs.frozen
class Specific(Rate):
    """An amount per unit of measure, written in cents (``cents=True``) or dollars."""

    amount: Decimal
    unit: str
    cents: bool = False

    @property
    def per_unit(self) -> Decimal:
        """Dollars per unit."""
        return self.amount / _HUNDRED if self.cents else self.amount

    @property
    def units(self) -> frozenset[str]:
        return frozenset({self.unit})

    @property
    def text(self) -> str:
        money = f"{self.amount}¢" if self.cents else f"${self.amount}"
        if self.unit == "NMB":
            return f"{money} each"
        return f"{money}/{unit_symbol(self.unit)}"

    def _quantity(self, quantities: Quantities) -> Decimal:
        quantity = quantities.get(self.unit)
        if quantity is None:
            quantity = convert_quantity(quantities, self.unit)
        if quantity is None:
            others = convertible_from(self.unit)
            raise MissingQuantity(
                f"the rate {self.text} needs a quantity in {self.unit} ({UNIT_NAMES[self.unit]})",
                path=f"quantities.{self.unit}",
                expected=f"quantities={{{self.unit!r}: ...}}"
                + (f" or one of {', '.join(others)}" if others else ""),
            )
        return quantity

    def _amount(self, value: Decimal, quantities: Quantities) -> Decimal:
        return self.per_unit * self._quantity(quantities)

    def _evaluate(self, value: Decimal, quantities: Quantities) -> Evaluation:
        quantity = self._quantity(quantities)
        amount = self.per_unit * quantity
        return Evaluation(
            self.text, amount, f"{self.text} × {quantity.normalize():f} {unit_symbol(self.unit)}"
        )


@attrs.frozen
class Compound(Rate):
    """The sum of several rates (``8.47¢/kg plus 8.5%``)."""

    parts: tuple[Rate, ...]

    @property
    def units(self) -> frozenset[str]:
        return frozenset().union(*(part.units for part in self.parts))

    @property
    def text(self) -> str:
        return " plus ".join(part.text for part in self.parts)

    def _evaluate(self, value: Decimal, quantities: Quantities) -> Evaluation:
        parts = tuple(part._evaluate(value, quantities) for part in self.parts)
        amount = sum((part.amount for part in parts), Decimal(0))
        formula = " + ".join(_figure(part.amount) for part in parts)
        return Evaluation(self.text, amount, f"{self.text}: {formula}", parts)

    def _amount(self, value: Decimal, quantities: Quantities) -> Decimal:
        return sum((part._amount(value, quantities) for part in self.parts), Decimal(0))


@attrs.frozen
class Bounded(Rate):
    """A rate held above a ``floor`` ("but not less than") and/or below a ``cap`` ("… more than")."""

    base: Rate
    floor: Rate | None = None
    cap: Rate | None = None

    @property
    def units(self) -> frozenset[str]:
        found = set(self.base.units)
        for bound in (self.floor, self.cap):
            if bound is not None:
                found |= bound.units
        return frozenset(found)

    @property
    def text(self) -> str:
        text = self.base.text
        if self.floor is not None:
            text += f" but not less than {self.floor.text}"
        if self.cap is not None:
            text += (
                f" or more than {self.cap.text}"
                if self.floor
                else f" but not more than {self.cap.text}"
            )
        return text

    def _evaluate(self, value: Decimal, quantities: Quantities) -> Evaluation:
        base = self.base._evaluate(value, quantities)
        parts = [base]
        amount, note = base.amount, None
        if self.floor is not None:
            low = self.floor._evaluate(value, quantities)
            parts.append(low)
            if low.amount > amount:
                amount = low.amount
                note = f"the minimum applies: {_figure(low.amount)} > {_figure(base.amount)}"
            else:
                note = f"the minimum does not apply: {_figure(base.amount)} ≥ {_figure(low.amount)}"
        if self.cap is not None:
            high = self.cap._evaluate(value, quantities)
            parts.append(high)
            if high.amount < amount:
                note = f"the maximum applies: {_figure(high.amount)} < {_figure(amount)}"
                amount = high.amount
            elif self.floor is None:
                note = f"the maximum does not apply: {_figure(amount)} ≤ {_figure(high.amount)}"
        return Evaluation(self.text, amount, self.text, tuple(parts), note)

    def _amount(self, value: Decimal, quantities: Quantities) -> Decimal:
        amount = self.base._amount(value, quantities)
        if self.floor is not None:
            amount = max(amount, self.floor._amount(value, quantities))
        if self.cap is not None:
            amount = min(amount, self.cap._amount(value, quantities))
        return amount


# --- parsing -------------------------------------------------------------------------------------

_NUMBER = r"(\d+(?:\.\d+)?)"
_PERCENT = re.compile(rf"{_NUMBER}\s*%(?:\s*/\s*(?P<stray>[a-z]+))?", re.IGNORECASE)
_CENTS = re.compile(rf"{_NUMBER}\s*¢\s*(?:/|per\b)?\s*(?P<unit>.+)", re.IGNORECASE)
_DOLLARS = re.compile(rf"\$\s*{_NUMBER}\s*(?:/|per\b)?\s*(?P<unit>.+)", re.IGNORECASE)
_BOUND = re.compile(
    r"\s+(but not less than|but not more than|or more than|or less than)\s+", re.IGNORECASE
)
_PLUS = re.compile(r"\s+plus\s+|\s*\+\s*", re.IGNORECASE)


def _bad(text: str, why: str) -> InvalidFormat:
    return InvalidFormat(
        f"is not a rate carm can read ({why})",
        value=text,
        path="rate",
        expected="Free, N/A, 18%, 3.32¢/kg, $1.45/kg, A plus B, A but not less than B, …",
    )


def _term(text: str, whole: str) -> Rate:
    if text.lower() == "free":
        return Free()
    if match := _PERCENT.fullmatch(text):
        # "13.5%/pair" appears in the schedule as a quirk of the source; the unit adds nothing to
        # an ad valorem rate, so it is read as "13.5%".
        return AdValorem(Decimal(match.group(1)))
    for pattern, cents in ((_CENTS, True), (_DOLLARS, False)):
        if match := pattern.fullmatch(text):
            try:
                unit = unit_code(match.group("unit"))
            except InvalidComponent:
                raise _bad(whole, f"unknown unit {match.group('unit')!r}") from None
            return Specific(Decimal(match.group(1)), unit, cents)
    raise _bad(whole, f"cannot read {text!r}")


def _sum(text: str, whole: str) -> Rate:
    pieces = [piece.strip() for piece in _PLUS.split(text)]
    if any(not piece for piece in pieces):
        raise _bad(whole, "empty part")
    terms = tuple(_term(piece, whole) for piece in pieces)
    return terms[0] if len(terms) == 1 else Compound(terms)


@lru_cache(maxsize=4096)
def _parse(text: str) -> Rate:
    whole = text
    normal = " ".join(text.replace("\u00a0", " ").split())
    if not normal:
        raise _bad(whole, "empty")
    if normal.upper() == "N/A":
        return NotAvailable()
    pieces = _BOUND.split(normal)
    base = _sum(pieces[0], whole)
    floor: Rate | None = None
    cap: Rate | None = None
    for keyword, operand in zip(pieces[1::2], pieces[2::2], strict=True):
        bound = _sum(operand, whole)
        if keyword.lower().endswith("less than"):
            if floor is not None:
                raise _bad(whole, "two minimums")
            floor = bound
        else:
            if cap is not None:
                raise _bad(whole, "two maximums")
            cap = bound
    if floor is None and cap is None:
        return base
    return Bounded(base, floor, cap)


def parse_rate(text: str) -> Rate:
    """Parse a rate text of the Customs Tariff. Parsed texts are cached: parse freely.

    >>> parse_rate("8.47¢/kg plus 8.5%")
    Compound(parts=(Specific(amount=Decimal('8.47'), unit='KGM', cents=True), AdValorem(percent=Decimal('8.5'))))
    >>> parse_rate("2 bushels")
    Traceback (most recent call last):
    ...
    carm.errors.InvalidFormat: rate: is not a rate carm can read (cannot read '2 bushels'): expected Free, N/A, 18%, 3.32¢/kg, $1.45/kg, A plus B, A but not less than B, … (got '2 bushels')
    """
    if not isinstance(text, str):
        raise InvalidType(value=text, path="rate", expected="a rate text such as '18%'")
    return _parse(text)


# --- the "Applicable Preferential Tariffs" column ------------------------------------------------

_CODE_GROUP = re.compile(r"(?P<codes>[A-Z]{2,6}(?:\s*,\s*[A-Z]{2,6})*)\s*:?\s+")


def parse_preferential(text: str) -> dict[str, Rate]:
    """Parse the schedule's preferential-tariff text into a rate per treatment code.

    >>> rates = parse_preferential("CCCT, LDCT, UST: Free GPT 7.5%, CPUKT N/A")
    >>> {code: rate.text for code, rate in rates.items()}
    {'CCCT': 'Free', 'LDCT': 'Free', 'UST': 'Free', 'GPT': '7.5%', 'CPUKT': 'N/A'}
    """
    if not isinstance(text, str):
        raise InvalidType(value=text, path="preferential_tariffs", expected="a str")
    normal = " ".join(text.replace("\u00a0", " ").split())
    found: dict[str, Rate] = {}
    position = 0
    while position < len(normal):
        group = _CODE_GROUP.match(normal, position)
        if group is None:
            raise InvalidFormat(
                "expected treatment codes",
                value=text,
                path="preferential_tariffs",
                expected=f"codes such as 'UST, MXT: Free' at {normal[position:]!r}",
            )
        codes = [code.strip() for code in group.group("codes").split(",")]
        rest = normal[group.end() :]
        following = _next_group(rest)
        rate_text = rest[:following].strip().rstrip(",").strip()
        try:
            rate = parse_rate(rate_text)
        except InvalidFormat as error:
            raise InvalidFormat(
                f"the rate for {', '.join(codes)} {error.message}",
                value=text,
                path="preferential_tariffs",
            ) from None
        for code in codes:
            if code in found:
                raise InvalidFormat(
                    f"treatment {code} appears twice", value=text, path="preferential_tariffs"
                )
            found[code] = rate
        position = group.end() + following
    return found


_NEXT_CODES = re.compile(r"(?:^|,?\s+)(?=[A-Z]{2,6}(?:\s*,\s*[A-Z]{2,6})*\s*:?\s+\S)")


def _next_group(rest: str) -> int:
    """Where the next group of treatment codes starts in ``rest`` (its length if none)."""
    for match in _NEXT_CODES.finditer(rest):
        if match.start() == 0 and match.end() == 0:
            continue
        # skip the separator: the group itself starts at match.end()
        candidate = rest[match.end() :]
        if candidate[:3].upper() == "N/A":
            continue
        return match.end()
    return len(rest)

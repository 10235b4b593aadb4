"""What a caller describes: a shipment, its lines, excise details, and the settings of an estimate.

The classes accept what a caller has (strings, ints, Decimals); :func:`check_shipment` checks
everything at once and reports every problem with its path (``lines[2].value``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final, NamedTuple

import attrs

from carm.calendar import province_code
from carm.errors import (
    ErrorCollector,
    InvalidComponent,
    InvalidFormat,
    InvalidType,
    ValidationError,
    ValidationErrors,
)
from carm.fx import ExchangeRateSource, FixedRates
from carm.fx._base import currency_code
from carm.money import DEFAULT_ROUNDING, RoundingPolicy, to_decimal
from carm.tariff._units import unit_code
from carm.tariff.rates import Rate, parse_rate
from carm.tariff.treatments import country_code

__all__ = [
    "EXCISE_KINDS",
    "IMPORTATIONS",
    "MODES",
    "CheckedLine",
    "CheckedShipment",
    "Excise",
    "Line",
    "Settings",
    "Shipment",
    "check_shipment",
]

IMPORTATIONS: Final = ("commercial", "casual")
MODES: Final = ("courier", "postal", "other")
EXCISE_KINDS: Final = (
    "spirits",
    "wine",
    "beer",
    "cigarettes",
    "tobacco-sticks",
    "manufactured-tobacco",
    "cigars",
    "raw-leaf-tobacco",
    "fuel-inefficient-vehicle",
    "vehicle-air-conditioner",
    "luxury-vehicle",
    "luxury-aircraft",
    "luxury-vessel",
)


@attrs.frozen
class Excise:
    """Excise details of a line.

    ``kind`` names the goods (one of :data:`EXCISE_KINDS`). ``rate`` (a rate expression such as
    ``"$0.730/litre"``) replaces the bundled rate, for dates the bundled table does not cover.
    ``fuel_consumption`` is the weighted fuel consumption (L/100 km, 0.55 city + 0.45 highway) of
    a vehicle for the green levy.
    """

    kind: str
    rate: str | None = None
    fuel_consumption: Decimal | str | None = None


@attrs.frozen
class Line:
    """One commodity line of a shipment, as the caller knows it.

    ``quantity`` is in the line's unit of measure (the schedule's, e.g. NMB for T-shirts);
    ``quantities`` adds others (``{"KGM": ..., "LTR": ...}``). ``rate`` replaces the schedule's
    duty rate (what-if work, a ruling); ``treatment`` forces a treatment. ``alcohol`` is the
    strength in % by volume. ``sima`` is an anti-dumping or countervailing amount in CAD (or a
    percentage of value for duty, ``"12.5%"``). ``gst_exempt`` is a GST relief code (ETA
    Schedule VII). ``shipped_from`` is the country of direct shipment, for the low-value rules.
    """

    classification: str
    value: Decimal | int | str
    origin: str
    currency: str = "CAD"
    quantity: Decimal | int | str | None = None
    quantities: Mapping[str, Decimal | int | str] = attrs.field(factory=dict)
    description: str = ""
    rate: str | None = None
    treatment: str | None = None
    proof_of_origin: bool = True
    alcohol: Decimal | int | str | None = None
    sima: Decimal | int | str | None = None
    gst_exempt: str | None = None
    excise: Excise | str | None = None
    shipped_from: str | None = None


@attrs.frozen
class Shipment:
    """Goods released together: where they go, how they come, when, and at which exchange rates."""

    lines: Sequence[Line]
    release_date: date
    province: str
    importation: str = "commercial"
    mode: str = "other"
    exchange_rates: Mapping[str, Decimal | int | str] | None = None
    fx: ExchangeRateSource | None = None
    shipped_from: str | None = None
    direct_shipment_date: date | None = None
    gift: bool = False


@attrs.frozen
class Settings:
    """Choices an estimate makes where the law or the sources leave room; see docs/estimate.md.

    - ``rounding``: how each duty and tax is rounded (default half up to the cent, per line).
    - ``hst_on_commercial``: charge HST instead of GST on commercial goods bound for an HST
      province. The rule for commercial goods was not found (reference 6.3); the default follows
      the issue's statement that commercial goods pay GST.
    - ``luxury_tax_in_value_for_tax``: whether luxury tax enters the GST base (likely under ETA
      s.215(1)(b), not confirmed; reference 5.2).
    """

    rounding: RoundingPolicy = DEFAULT_ROUNDING
    hst_on_commercial: bool = False
    luxury_tax_in_value_for_tax: bool = True


class CheckedLine(NamedTuple):
    """A line whose every field was checked, in the engine's terms.

    A named tuple rather than an attrs class: a bulk run makes one per line, and building an
    attrs frozen instance costs several times as much. ``position`` is the line's index in the
    shipment.
    """

    position: int
    line: Line
    value: Decimal
    currency: str
    origin: str
    quantities: Mapping[str, Decimal]
    line_quantity: Decimal | None
    rate: Rate | None
    alcohol: Decimal | None
    sima: Decimal | None
    sima_percent: Decimal | None
    excise: Excise | None
    fuel_consumption: Decimal | None
    shipped_from: str | None


@attrs.frozen
class CheckedShipment:
    shipment: Shipment
    lines: tuple[CheckedLine, ...]
    importation: str  # as checked: "commercial" or "casual"
    mode: str  # as checked: "courier", "postal" or "other"
    province: str
    fx: ExchangeRateSource
    shipped_from: str | None


def _is(value: object, kind: Any) -> bool:
    # Callers may be untyped code: check at run time what the annotations only promise.
    return isinstance(value, kind)


def _choice(value: object, allowed: Sequence[str], path: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise InvalidComponent(value=value, path=path, expected="one of " + ", ".join(allowed))
    return value.strip().lower()


def _quantity(value: object, path: str) -> Decimal:
    number = to_decimal(value, path=path)
    if number < 0:
        raise InvalidFormat("must not be negative", value=value, path=path)
    return number


class _FailFast(ErrorCollector):
    """A collector that lets the first error through: the fast path for lines that are fine.

    Most lines in a bulk run are valid; checking each field under its own error handler costs
    more than the checks. Lines that fail are checked again with a real collector, so that every
    problem is still reported.
    """

    def __init__(self) -> None:
        super().__init__("")

    def catch(self, *, path: str = "") -> Any:
        return _NO_GUARD

    def add(self, error: ValidationError, *, path: str = "") -> None:
        raise error.at(path)


_NO_GUARD: Final = contextlib.nullcontext()
_FAIL_FAST: Final = _FailFast()


class _Known:
    """Codes already found good, by the text the caller wrote: ``"usd"`` → ``"USD"``.

    Bulk runs repeat a handful of currencies, countries and excise kinds on every line; checking
    each again costs more than the line's arithmetic. Only valid texts are kept, at most a few
    thousand, so odd input cannot fill memory.
    """

    _LIMIT: Final = 4096

    def __init__(self) -> None:
        self.currencies: dict[str, str] = {}
        self.countries: dict[str, str] = {}
        self.excise: dict[str, Excise] = {}

    def remember(self, table: dict[str, Any], text: str, found: Any) -> None:
        if len(table) < self._LIMIT:
            table[text] = found


_KNOWN: Final = _Known()


def _plain_line(index: int, line: Line) -> CheckedLine | None:
    """The common line, checked in a few comparisons; None when it needs the full check.

    Plain: a non-negative finite Decimal value (and quantity, if any); currency, origin and excise
    kind (as text) already seen good; and none of the rarer fields (rate, quantities, alcohol,
    SIMA, shipped from, an ``Excise`` object).
    """
    value, quantity, excise_text = line.value, line.quantity, line.excise
    if (
        type(value) is not Decimal
        or not value.is_finite()
        or value < 0
        or type(line.classification) is not str
        or line.quantities
        or line.rate is not None
        or line.alcohol is not None
        or line.sima is not None
        or line.shipped_from is not None
        or (line.gst_exempt is not None and type(line.gst_exempt) is not str)
    ):
        return None
    if quantity is not None and (
        type(quantity) is not Decimal or not quantity.is_finite() or quantity < 0
    ):
        return None
    if type(line.currency) is not str or type(line.origin) is not str:
        return None
    currency = _KNOWN.currencies.get(line.currency)
    origin = _KNOWN.countries.get(line.origin)
    if currency is None or origin is None or type(line.quantities) is not dict:
        return None
    excise = None
    if excise_text is not None:
        if type(excise_text) is not str:
            return None
        excise = _KNOWN.excise.get(excise_text)
        if excise is None:
            return None
    return CheckedLine(
        index, line, value, currency, origin, {}, quantity, None, None, None, None, excise, None,
        None,
    )  # fmt: skip


def _check_line(index: int, line: Line, errors: ErrorCollector) -> CheckedLine | None:
    prefix = f"lines[{index}]"
    if not _is(line, Line):
        errors.add(InvalidType(value=line, path=prefix, expected="a carm.Line"))
        return None
    before = len(errors)
    value = currency = origin = None
    quantities: dict[str, Decimal] = {}
    rate = alcohol = sima = sima_percent = fuel = None
    excise: Excise | None = None
    shipped_from = None
    with errors.catch(path=prefix):
        value = _quantity(line.value, "value")
    with errors.catch(path=prefix):
        currency = currency_code(line.currency)
        _KNOWN.remember(_KNOWN.currencies, line.currency, currency)
    with errors.catch(path=prefix):
        origin = country_code(line.origin, path="origin")
        _KNOWN.remember(_KNOWN.countries, line.origin, origin)
    with errors.catch(path=prefix):
        if not _is(line.classification, str):
            raise InvalidType(value=line.classification, path="classification", expected="a str")
    if not _is(line.quantities, Mapping):
        errors.add(
            InvalidType(value=line.quantities, path=f"{prefix}.quantities", expected="a mapping")
        )
    else:
        for unit, amount in line.quantities.items():
            with errors.catch(path=f"{prefix}.quantities"):
                code = unit_code(unit, path=str(unit))
                quantities[code] = _quantity(amount, code)
    line_quantity = None
    if line.quantity is not None:
        with errors.catch(path=prefix):
            line_quantity = _quantity(line.quantity, "quantity")
    if line.rate is not None:
        with errors.catch(path=prefix):
            rate = parse_rate(line.rate)
    if line.alcohol is not None:
        with errors.catch(path=prefix):
            alcohol = _quantity(line.alcohol, "alcohol")
            if alcohol > 100:
                raise InvalidFormat("is more than 100% alcohol", value=line.alcohol, path="alcohol")
    if line.sima is not None:
        with errors.catch(path=prefix):
            if isinstance(line.sima, str) and line.sima.strip().endswith("%"):
                sima_percent = _quantity(line.sima.strip()[:-1], "sima")
            else:
                sima = _quantity(line.sima, "sima")
    if line.excise is not None:
        with errors.catch(path=prefix):
            excise = Excise(line.excise) if isinstance(line.excise, str) else line.excise
            if not isinstance(excise, Excise):
                raise InvalidType(value=line.excise, path="excise", expected="an Excise or a kind")
            _choice(excise.kind, EXCISE_KINDS, "excise.kind")
            excise = attrs.evolve(excise, kind=excise.kind.strip().lower())
            if isinstance(line.excise, str):
                _KNOWN.remember(_KNOWN.excise, line.excise, excise)
            if excise.rate is not None:
                parse_rate(excise.rate)
            if excise.fuel_consumption is not None:
                fuel = _quantity(excise.fuel_consumption, "excise.fuel_consumption")
    if line.shipped_from is not None:
        with errors.catch(path=prefix):
            shipped_from = country_code(line.shipped_from, path="shipped_from")
    if line.gst_exempt is not None and not _is(line.gst_exempt, str):
        errors.add(
            InvalidType(value=line.gst_exempt, path=f"{prefix}.gst_exempt", expected="a code")
        )
    if len(errors) > before:
        return None
    assert value is not None
    assert currency is not None
    assert origin is not None
    return CheckedLine(
        index, line, value, currency, origin, quantities, line_quantity, rate, alcohol, sima, sima_percent,
        excise, fuel, shipped_from,
    )  # fmt: skip


# The last exchange rates given, as given and as copied then, and the source made of them: bulk
# runs give every shipment the same mapping, and checking it again costs more than a line.
_LAST_RATES: list[tuple[Mapping[str, Any], dict[str, Any], FixedRates]] = []


def _fixed_rates(given: Mapping[str, Any]) -> FixedRates:
    if _LAST_RATES:
        mapping, then, made = _LAST_RATES[0]
        if mapping is given and then == given:  # the same object, not changed since
            return made
    made = FixedRates(given)
    _LAST_RATES[:] = [(given, dict(given), made)]
    return made


def _check_header(
    shipment: Shipment, errors: ErrorCollector
) -> tuple[str, str, str, ExchangeRateSource | None, str | None]:
    """The shipment's own fields, as the engine reads them: importation, mode, province, the
    exchange-rate source, and where the goods are shipped from."""
    importation = mode = province = ""
    fx: Any = None
    shipped_from = None
    with errors.catch():
        importation = _choice(shipment.importation, IMPORTATIONS, "importation")
    with errors.catch():
        mode = _choice(shipment.mode, MODES, "mode")
    with errors.catch():
        province = province_code(shipment.province)
    with errors.catch():
        if not isinstance(shipment.release_date, date):
            raise InvalidType(value=shipment.release_date, path="release_date", expected="a date")
    with errors.catch():
        if shipment.fx is not None and shipment.exchange_rates is not None:
            raise InvalidComponent(
                "give exchange_rates or fx, not both", value="both", path="exchange_rates"
            )
        fx = shipment.fx or _fixed_rates(shipment.exchange_rates or {})
    if shipment.shipped_from is not None:
        with errors.catch():
            shipped_from = country_code(shipment.shipped_from, path="shipped_from")
    return importation, mode, province, fx, shipped_from


def check_shipment(shipment: Shipment, errors: ErrorCollector | None = None) -> CheckedShipment:
    """Every field of the shipment checked at once.

    Without ``errors``, raises :class:`~carm.errors.ValidationErrors` if anything is bad. With a
    collector, adds the problems to it and returns the lines that passed, so that the caller can
    go on checking them (and report everything together).
    """
    if not _is(shipment, Shipment):
        raise InvalidType(value=shipment, path="shipment", expected="a carm.Shipment")
    own = errors is None
    errors = errors if errors is not None else ErrorCollector("the shipment is not valid")
    try:
        header = _check_header(shipment, _FAIL_FAST)
    except (ValidationError, ValidationErrors):
        header = _check_header(shipment, errors)
    importation, mode, province, fx, shipped_from = header
    lines: list[CheckedLine] = []
    if not _is(shipment.lines, Sequence) or _is(shipment.lines, str):
        errors.add(InvalidType(value=shipment.lines, path="lines", expected="a list of carm.Line"))
    elif not shipment.lines:
        errors.add(InvalidFormat("a shipment needs at least one line", value=[], path="lines"))
    else:
        for index, line in enumerate(shipment.lines):
            try:
                checked = (type(line) is Line and _plain_line(index, line)) or _check_line(
                    index, line, _FAIL_FAST
                )
            except (ValidationError, ValidationErrors):
                checked = _check_line(index, line, errors)
            if checked is not None:
                lines.append(checked)
    if own:
        errors.raise_if_any()
    fx = fx or FixedRates({})
    return CheckedShipment(shipment, tuple(lines), importation, mode, province, fx, shipped_from)

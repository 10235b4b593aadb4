"""The dated rate tables an estimate reads: sales taxes, surtaxes, excise, luxury tax, low-value rules.

Each table is package data (``estimate/data/*.csv``) with a source per row, loaded on first use.
A caller can pass its own table (``Tables(...)``) to correct or extend one.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Final

import attrs

from carm.tariff.rates import Rate, parse_rate

__all__ = [
    "ExciseRow",
    "LowValueRow",
    "LuxuryRow",
    "SalesTaxRow",
    "SurtaxRow",
    "Tables",
    "default_tables",
]

_ANY: Final = "*"


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


@attrs.frozen
class _Dated:
    valid_from: date
    valid_to: date | None
    source: str
    verified: bool

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@attrs.frozen
class SalesTaxRow(_Dated):
    province: str
    tax: str  # GST, HST, PST, QST, RST
    rate: Decimal  # percent


@attrs.frozen
class SurtaxRow(_Dated):
    name: str
    rate: Decimal  # percent of value for duty
    origins: frozenset[str]
    tariff_items: frozenset[str]  # eight digits, no dots
    casual_exempt: bool


_COMPARISONS: Final[dict[str, Callable[[Decimal, Decimal], bool]]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_BAND: Final = re.compile(r"^(abv|fuel)((?:(?:<=|>=|<|>)\d+(?:\.\d+)?)+)$")
_BOUND: Final = re.compile(r"(<=|>=|<|>)(\d+(?:\.\d+)?)")


@attrs.frozen
class Band:
    """A condition on alcohol strength (``abv``) or fuel consumption (``fuel``): ``abv>1.2<=7``."""

    measure: str | None
    bounds: tuple[tuple[str, Decimal], ...]
    text: str

    @classmethod
    def parse(cls, text: str) -> Band:
        if not text:
            return cls(None, (), "")
        match = _BAND.match(text)
        if match is None:
            raise ValueError(f"bad band {text!r}")
        bounds = tuple((op, Decimal(n)) for op, n in _BOUND.findall(match.group(2)))
        return cls(match.group(1), bounds, text)

    def matches(self, value: Decimal | None) -> bool:
        if self.measure is None:
            return True
        if value is None:
            return False
        return all(_COMPARISONS[op](value, bound) for op, bound in self.bounds)


@attrs.frozen
class ExciseRow(_Dated):
    kind: str
    levy: str  # "duty" (Excise Act / Customs Tariff s.21.1-21.2) or "tax" (Excise Tax Act)
    band: Band
    rate: Rate
    block: Decimal | None  # charged per whole block of this quantity (5 cigarettes, 50 g)


@attrs.frozen
class LuxuryRow(_Dated):
    kind: str
    threshold: Decimal
    rate_of_value: Decimal
    rate_of_excess: Decimal


@attrs.frozen
class LowValueRow(_Dated):
    mode: str
    shipped_from: frozenset[str] | None  # None: from anywhere
    max_value: Decimal
    relieves: frozenset[str]  # "duties", "taxes", or "allowance" (only the excess is charged)

    def applies_from(self, country: str | None) -> bool:
        return self.shipped_from is None or (country is not None and country in self.shipped_from)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("carm.estimate").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _dated(row: dict[str, str]) -> dict[str, object]:
    return {
        "valid_from": date.fromisoformat(row["valid_from"]),
        "valid_to": _day(row.get("valid_to", "")),
        "source": row["source"],
        "verified": row.get("verified", "yes").strip().lower() != "no",
    }


@attrs.frozen
class Tables:
    """Every table an estimate reads. ``attrs.evolve(default_tables(), surtaxes=...)`` swaps one."""

    sales_tax: tuple[SalesTaxRow, ...]
    surtaxes: tuple[SurtaxRow, ...]
    excise: tuple[ExciseRow, ...]
    luxury: tuple[LuxuryRow, ...]
    low_value: tuple[LowValueRow, ...]
    _surtax_index: dict[str, tuple[SurtaxRow, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        index: dict[str, list[SurtaxRow]] = {}
        for row in self.surtaxes:
            for item in row.tariff_items:
                index.setdefault(item, []).append(row)
        object.__setattr__(self, "_surtax_index", {k: tuple(v) for k, v in index.items()})

    def sales_tax_rate(self, province: str, tax: str, day: date) -> SalesTaxRow | None:
        for row in self.sales_tax:
            if row.tax == tax and row.province in (province, _ANY) and row.covers(day):
                return row
        return None

    def surtaxes_for(
        self, tariff_item: str, origin: str, day: date, *, casual: bool
    ) -> tuple[SurtaxRow, ...]:
        return tuple(
            row
            for row in self._surtax_index.get(tariff_item, ())
            if origin in row.origins and row.covers(day) and not (casual and row.casual_exempt)
        )

    def excise_for(
        self, kind: str, day: date, *, alcohol: Decimal | None, fuel: Decimal | None
    ) -> tuple[ExciseRow, ...]:
        measures = {"abv": alcohol, "fuel": fuel}
        return tuple(
            row
            for row in self.excise
            if (row.kind == kind or row.kind == f"{kind}-special")
            and row.covers(day)
            and row.band.matches(measures.get(row.band.measure or ""))
        )

    def excise_known(self, kind: str) -> Iterable[ExciseRow]:
        return (row for row in self.excise if row.kind == kind)

    def luxury_for(self, kind: str, day: date) -> LuxuryRow | None:
        return next((r for r in self.luxury if r.kind == kind and r.covers(day)), None)

    def low_value_for(self, mode: str, day: date) -> tuple[LowValueRow, ...]:
        found = [row for row in self.low_value if row.mode == mode and row.covers(day)]
        return tuple(sorted(found, key=lambda row: row.max_value))


@cache
def default_tables() -> Tables:
    """The bundled tables."""
    sales = tuple(
        SalesTaxRow(
            **_dated(r),  # type: ignore[arg-type]
            province=r["province"],
            tax=r["tax"],
            rate=Decimal(r["rate"]),
        )
        for r in _rows("sales_tax.csv")
    )
    surtaxes = tuple(
        SurtaxRow(
            **_dated(r),  # type: ignore[arg-type]
            name=r["name"],
            rate=Decimal(r["rate"]),
            origins=frozenset(r["origins"].split()),
            tariff_items=frozenset(i.replace(".", "") for i in r["tariff_items"].split()),
            casual_exempt=r["casual_exempt"].strip().lower() == "yes",
        )
        for r in _rows("surtaxes.csv")
    )
    excise = tuple(
        ExciseRow(
            **_dated(r),  # type: ignore[arg-type]
            kind=r["kind"],
            levy=r["levy"],
            band=Band.parse(r["band"]),
            rate=parse_rate(r["rate"]),
            block=Decimal(r["block"]) if r["block"] else None,
        )
        for r in _rows("excise.csv")
    )
    luxury = tuple(
        LuxuryRow(
            **_dated(r),  # type: ignore[arg-type]
            kind=r["kind"],
            threshold=Decimal(r["threshold"]),
            rate_of_value=Decimal(r["rate_of_value"]),
            rate_of_excess=Decimal(r["rate_of_excess"]),
        )
        for r in _rows("luxury_tax.csv")
    )
    low_value = tuple(
        LowValueRow(
            **_dated(r),  # type: ignore[arg-type]
            mode=r["mode"],
            shipped_from=None
            if r["shipped_from"] == _ANY
            else frozenset(r["shipped_from"].split()),
            max_value=Decimal(r["max_value"]),
            relieves=frozenset(r["relieves"].split()),
        )
        for r in _rows("low_value.csv")
    )
    return Tables(sales, surtaxes, excise, luxury, low_value)

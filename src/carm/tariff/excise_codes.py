"""Excise tax codes on tariff numbers: what the CBSA tariff service's ``exciseTaxes`` entity holds.

A CAD line names an excise tax code (field 34, e.g. ``E52``, ``C01``) whose rate applies to the
goods: an amount per unit of measure or a percentage of the value for duty
(``reference/cbsa-carm-facts.md`` sections 2 and 5.2). Which codes apply to which tariff numbers,
and at what rates, is the CBSA's data; carm bundles none of it (it was not found published as a
file). :func:`read_excise_codes` reads a table of them that you keep, for the sandbox's emulation of
the tariff service or for your own lookups, and :class:`carm.client.CBSATariffService` reads them
from the service.

The CSV columns: ``tariff_number, code, rate, valid_from, valid_to, description`` (``rate`` a carm
rate expression: ``"10%"``, ``"$0.10/kg"``, ``"1.5¢ each"``; ``valid_to`` may be empty).

>>> table = ExciseCodes([ExciseTaxCode("0602.90.90.90", "E52", parse_rate("$100 each"),
...                                    date(2021, 1, 1))])
>>> table.find("0602909090", "e52", date(2021, 5, 28)).rate.text
'$100 each'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import attrs

from carm.errors import ErrorCollector, InvalidFormat, NotInEffect, UnknownCode, ValidationError
from carm.tariff._hs import format_code
from carm.tariff._readers import parse_tariff_code
from carm.tariff.rates import AdValorem, Free, Rate, Specific, parse_rate

__all__ = ["ExciseCodes", "ExciseTaxCode", "read_excise_codes"]

_COLUMNS = ("tariff_number", "code", "rate", "valid_from", "valid_to", "description")


@attrs.frozen
class ExciseTaxCode:
    """An excise tax code on a tariff number: its rate and the days it is in force."""

    tariff_number: str  # dotted, 0602.90.90.90
    code: str  # E52
    rate: Rate  # ad valorem, or an amount per unit: what the service's fields can hold
    valid_from: date | None = None  # None: not known (the service's names for it are not)
    valid_to: date | None = None
    description: str = ""

    def covers(self, day: date) -> bool:
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_to is None or day <= self.valid_to)


def _normal(number: str, code: str) -> tuple[str, str]:
    return format_code(parse_tariff_code(number, path="tariff_number")), code.strip().upper()


class ExciseCodes:
    """Excise tax codes by tariff number, code and date."""

    def __init__(self, codes: Iterable[ExciseTaxCode]) -> None:
        self.codes = tuple(codes)

    def for_number(self, number: str, as_of: date) -> tuple[ExciseTaxCode, ...]:
        """Every code in force on ``as_of`` on a tariff number."""
        dotted, _ = _normal(number, "")
        return tuple(c for c in self.codes if c.tariff_number == dotted and c.covers(as_of))

    def find(self, number: str, code: str, as_of: date) -> ExciseTaxCode:
        dotted, wanted = _normal(number, code)
        known = [c for c in self.codes if c.tariff_number == dotted and c.code == wanted]
        if not known:
            raise UnknownCode(f"no excise tax code {wanted} on {dotted}", value=code, path="code")
        for found in known:
            if found.covers(as_of):
                return found
        raise NotInEffect(
            f"excise tax code {wanted} on {dotted} is not in force on {as_of.isoformat()}",
            value=as_of,
            path="as_of",
        )


def _date(text: str, path: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidFormat(value=text, path=path, expected="a date as YYYY-MM-DD") from None


def _row(row: dict[str, str]) -> ExciseTaxCode:
    dotted, code = _normal(row["tariff_number"], row["code"])
    if not code:
        raise InvalidFormat("is empty", value=row["code"], path="code")
    rate = parse_rate(row["rate"])
    if not isinstance(rate, AdValorem | Specific | Free):
        raise InvalidFormat(
            "an excise tax code's rate is a percentage or an amount per unit",
            value=row["rate"],
            path="rate",
        )
    until = row.get("valid_to") or ""
    return ExciseTaxCode(
        dotted,
        code,
        rate,
        _date(row["valid_from"], "valid_from"),
        _date(until, "valid_to") if until.strip() else None,
        (row.get("description") or "").strip(),
    )


def read_excise_codes(path: str | Path) -> ExciseCodes:
    """A table of excise tax codes from a CSV file (columns in the module docstring); every bad
    row is reported at once, by line."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in _COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidFormat(
            "lacks columns", value=reader.fieldnames, path="file", expected=", ".join(_COLUMNS)
        )
    errors = ErrorCollector(f"{Path(path).name} holds rows that are not excise tax codes")
    codes = []
    for row in reader:
        try:
            codes.append(_row(row))
        except ValidationError as error:
            errors.add(error, path=f"line {reader.line_num}")
    errors.raise_if_any()
    return ExciseCodes(codes)

"""Shipments from JSON and TOML documents (what ``carm estimate FILE`` reads).

Numbers are read as ``Decimal`` (never float), dates as ``YYYY-MM-DD``. Unknown keys are errors, so
a misspelt field is never silently ignored.

.. code-block:: toml

    release_date = 2026-10-15
    province = "ON"
    mode = "courier"
    shipped_from = "US"
    exchange_rates = { USD = 1.3712 }

    [[lines]]
    classification = "6109.10.00.11"
    value = 1200.00
    currency = "USD"
    origin = "CN"
    quantity = 100
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from carm._files import read_text
from carm.errors import ErrorCollector, InvalidComponent, InvalidFormat, InvalidType
from carm.estimate._model import Excise, Line, Shipment

__all__ = ["load_shipment", "shipment_from_dict"]

_LINE_FIELDS = frozenset(a.name for a in attrs.fields(Line))
_SHIPMENT_FIELDS = frozenset(a.name for a in attrs.fields(Shipment)) - {"fx"}
_EXCISE_FIELDS = frozenset(a.name for a in attrs.fields(Excise))


def _date(value: object, path: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidFormat(value=value, path=path, expected="a date as YYYY-MM-DD")


def _unknown(
    data: Mapping[str, Any], known: frozenset[str], path: str, errors: ErrorCollector
) -> None:
    for key in data:
        if key not in known:
            errors.add(
                InvalidComponent(
                    "is not a field carm knows",
                    value=key,
                    path=f"{path}{key}" if path else key,
                    expected="one of " + ", ".join(sorted(known)),
                )
            )


def _excise(value: object, path: str, errors: ErrorCollector) -> Excise | str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        _unknown(value, _EXCISE_FIELDS, f"{path}.", errors)
        if "kind" not in value:
            errors.add(InvalidFormat("needs a kind", value=dict(value), path=path))
            return None
        return Excise(**{k: v for k, v in value.items() if k in _EXCISE_FIELDS})
    errors.add(InvalidType(value=value, path=path, expected="a kind or a table with kind and rate"))
    return None


def shipment_from_dict(data: Mapping[str, Any]) -> Shipment:
    """A :class:`Shipment` from plain data; every problem reported at once."""
    if not isinstance(data, Mapping):
        raise InvalidType(value=data, path="shipment", expected="a JSON object or TOML table")
    errors = ErrorCollector("the shipment document is not valid")
    _unknown(data, _SHIPMENT_FIELDS, "", errors)
    fields = {k: v for k, v in data.items() if k in _SHIPMENT_FIELDS}
    for key in ("release_date", "direct_shipment_date"):
        if fields.get(key) is not None:
            with errors.catch():
                fields[key] = _date(fields[key], key)
    raw_lines = fields.get("lines")
    lines: list[Line] = []
    if not isinstance(raw_lines, list):
        errors.add(InvalidType(value=raw_lines, path="lines", expected="a list of lines"))
    else:
        for index, raw in enumerate(raw_lines):
            path = f"lines[{index}]"
            if not isinstance(raw, Mapping):
                errors.add(InvalidType(value=raw, path=path, expected="a table of line fields"))
                continue
            _unknown(raw, _LINE_FIELDS, f"{path}.", errors)
            values = {k: v for k, v in raw.items() if k in _LINE_FIELDS}
            missing = [k for k in ("classification", "value", "origin") if k not in values]
            for key in missing:
                errors.add(InvalidFormat("is required", value=None, path=f"{path}.{key}"))
            if missing:
                continue
            if "excise" in values:
                values["excise"] = _excise(values["excise"], f"{path}.excise", errors)
            lines.append(Line(**values))
    for key in ("release_date", "province"):
        if key not in fields:
            errors.add(InvalidFormat("is required", value=None, path=key))
    errors.raise_if_any()
    fields["lines"] = lines
    return Shipment(**fields)


def load_shipment(path: str | Path) -> Shipment:
    """A shipment from a ``.json`` or ``.toml`` file."""
    source = Path(path)
    text = read_text(source)
    if source.suffix.lower() == ".toml":
        try:
            data: Any = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as error:
            raise InvalidFormat(
                f"is not valid TOML ({error})", value=source.name, path="file"
            ) from None
    else:
        try:
            data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
        except json.JSONDecodeError as error:
            raise InvalidFormat(
                f"is not valid JSON ({error})", value=source.name, path="file"
            ) from None
    return shipment_from_dict(data)

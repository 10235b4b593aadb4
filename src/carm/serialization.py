"""Turning carm's value objects into JSON-ready data and back, with one cattrs converter.

Decimals travel as strings (``"1234.50"``) so that no JSON reader turns them into floats; dates as
ISO 8601 strings; :class:`~carm.money.Money` as ``{"amount": "1234.50", "currency": "CAD"}``.

>>> from carm.money import Money
>>> unstructure({"total": Money("12.5", "CAD"), "on": date(2026, 3, 2)})
{'total': {'amount': '12.5', 'currency': 'CAD'}, 'on': '2026-03-02'}
>>> structure({"amount": "12.5", "currency": "CAD"}, Money)
Money('12.5', 'CAD')
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

from carm.money import Money, to_decimal

__all__ = ["converter", "dumps", "structure", "unstructure"]

_T = TypeVar("_T")

converter = cattrs.Converter()
"""The JSON converter: use it, or :func:`structure` and :func:`unstructure`, for carm objects."""

converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(Decimal, lambda value, _: to_decimal(value, path="amount"))
converter.register_unstructure_hook(datetime, datetime.isoformat)
converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))
converter.register_unstructure_hook(date, date.isoformat)
converter.register_structure_hook(date, lambda value, _: date.fromisoformat(value))
converter.register_unstructure_hook(
    Money, lambda money: {"amount": str(money.amount), "currency": money.currency}
)
converter.register_structure_hook(
    Money, lambda value, _: Money(value["amount"], value.get("currency", "CAD"))
)
converter.register_unstructure_hook(enum.Enum, lambda member: member.value)


def unstructure(value: Any) -> Any:
    """``value`` as plain dicts, lists, strings, numbers and booleans."""
    return converter.unstructure(value)


def structure(data: Any, kind: type[_T]) -> _T:
    """Build a ``kind`` from plain data (the inverse of :func:`unstructure`)."""
    return converter.structure(data, kind)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """``value`` as a JSON document."""
    return json.dumps(unstructure(value), indent=indent, ensure_ascii=False)

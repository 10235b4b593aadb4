"""Declarations to and from JSON, losslessly (cattrs), with every problem of a bad document reported.

Amounts are strings (``"1200.00"``) so that no JSON reader turns them into floats; dates are
``YYYY-MM-DD``. Unknown fields are errors.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn

from carm.declarations._model import Assessment, Declaration, DeclarationLine, Header, Invoice
from carm.declarations._validate import DeclarationError
from carm.errors import InvalidFormat
from carm.money import to_decimal

__all__ = ["from_json", "to_json"]

_converter = cattrs.Converter(forbid_extra_keys=True)
_converter.register_unstructure_hook(Decimal, str)
_converter.register_structure_hook(Decimal, lambda value, _: to_decimal(value, path="amount"))
_converter.register_unstructure_hook(date, date.isoformat)


def _date(value: object, _: object) -> date:
    if not isinstance(value, str):
        raise TypeError(f"a date is a YYYY-MM-DD string, not {type(value).__name__}")
    return date.fromisoformat(value)


_converter.register_structure_hook(date, _date)
for _kind in (Assessment, DeclarationLine, Invoice, Header, Declaration):
    _converter.register_structure_hook(
        _kind, make_dict_structure_fn(_kind, _converter, _cattrs_forbid_extra_keys=True)
    )


def to_json(cad: Declaration, *, indent: int | None = 2) -> str:
    """The declaration as a JSON document."""
    return json.dumps(_converter.unstructure(cad), indent=indent, ensure_ascii=False)


def _path(cattrs_path: str) -> str:
    # cattrs writes "$.invoices[0].lines[2].value"; carm writes "invoices[0].lines[2].value".
    return cattrs_path.removeprefix("$").removeprefix(".")


def from_json(text: str) -> Declaration:
    """A declaration from JSON; :class:`DeclarationError` lists every problem with its path."""
    try:
        data: Any = json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, TypeError) as error:
        raise DeclarationError(
            "the document is not JSON",
            [InvalidFormat(str(error), value=str(text)[:60], path="document")],
        ) from None
    try:
        return _converter.structure(data, Declaration)
    except cattrs.BaseValidationError as error:
        problems = []
        for message in cattrs.transform_error(error):
            text_part, _, where = message.rpartition(" @ ")
            problems.append(InvalidFormat(text_part or message, path=_path(where)))
        raise DeclarationError("the document is not a declaration", problems) from None
    except (TypeError, ValueError, AttributeError) as error:
        raise DeclarationError(
            "the document is not a declaration", [InvalidFormat(str(error), path="document")]
        ) from None

"""Duty rates in the shape of the CBSA tariff service's ``customsDuties`` entity (OData v2).

Each row carries a regular, a minimum and a maximum for a specific rate and for an ad valorem rate,
each with a qualifier: 1 = dollars per unit, 2 = cents per unit, 3 = percent of the value for duty
(inferred from public client tests; ``reference/cbsa-carm-facts.md`` section 5.2). These functions
turn a :class:`~carm.tariff.Rate` into such fields and back; forms the fields cannot hold raise.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from carm.errors import InvalidFormat
from carm.tariff.rates import AdValorem, Bounded, Compound, Free, Rate, Specific

__all__ = ["duty_fields", "excise_fields", "excise_rate_from_fields", "rate_from_fields"]

_DOLLARS: Final = "1"
_CENTS: Final = "2"
_PERCENT: Final = "3"


def _part(rate: Rate, slot: str) -> dict[str, Any]:
    if isinstance(rate, Free):
        return {f"AdValoremRate{slot}Value": "0", f"AdValoremRate{slot}QualifierCode": _PERCENT}
    if isinstance(rate, AdValorem):
        return {
            f"AdValoremRate{slot}Value": str(rate.percent),
            f"AdValoremRate{slot}QualifierCode": _PERCENT,
        }
    if isinstance(rate, Specific):
        return {
            f"SpecificRate{slot}Value": str(rate.amount),
            f"SpecificRate{slot}QualifierCode": _CENTS if rate.cents else _DOLLARS,
            "UnitOfMeasureCode": rate.unit,
        }
    raise InvalidFormat("cannot be written as customsDuties fields", value=str(rate), path="rate")


def duty_fields(rate: Rate) -> dict[str, Any]:
    """The ``customsDuties`` fields of a rate."""
    if isinstance(rate, Compound):
        if len(rate.parts) != 2 or {type(p) for p in rate.parts} != {AdValorem, Specific}:
            raise InvalidFormat(
                "cannot be written as customsDuties fields", value=rate.text, path="rate"
            )
        return {**_part(rate.parts[0], "Reg"), **_part(rate.parts[1], "Reg")}
    if isinstance(rate, Bounded):
        fields = _part(rate.base, "Reg")
        for bound, slot in ((rate.floor, "Min"), (rate.cap, "Max")):
            if bound is not None:
                extra = _part(bound, slot)
                if set(extra) & set(fields) - {"UnitOfMeasureCode"}:
                    raise InvalidFormat(
                        "cannot be written as customsDuties fields", value=rate.text, path="rate"
                    )
                fields.update(extra)
        return fields
    return _part(rate, "Reg")


def _value(fields: Mapping[str, Any], kind: str, slot: str) -> Rate | None:
    raw = fields.get(f"{kind}Rate{slot}Value")
    if raw in (None, ""):
        return None
    value = Decimal(str(raw))
    qualifier = str(fields.get(f"{kind}Rate{slot}QualifierCode", ""))
    if kind == "AdValorem":
        if qualifier != _PERCENT:
            raise InvalidFormat(
                "an ad valorem rate is a percentage (qualifier 3)",
                value=qualifier,
                path=f"AdValoremRate{slot}QualifierCode",
            )
        return Free() if value == 0 and slot == "Reg" else AdValorem(value)
    if qualifier not in (_DOLLARS, _CENTS):
        raise InvalidFormat(
            "a specific rate is in dollars (1) or cents (2)",
            value=qualifier,
            path=f"SpecificRate{slot}QualifierCode",
        )
    return _per_unit(value, qualifier, fields)


def _per_unit(value: Decimal, qualifier: str, fields: Mapping[str, Any]) -> Specific:
    """An amount per unit: dollars (qualifier 1) or cents (2), in the entity's unit of measure."""
    unit = str(fields.get("UnitOfMeasureCode") or "")
    if not unit:
        raise InvalidFormat("a specific rate needs its unit", value=None, path="UnitOfMeasureCode")
    return Specific(value, unit, qualifier == _CENTS)


def rate_from_fields(fields: Mapping[str, Any]) -> Rate:
    """The rate a ``customsDuties`` row describes."""
    regular = [
        r
        for r in (_value(fields, "Specific", "Reg"), _value(fields, "AdValorem", "Reg"))
        if r is not None
    ]
    low = [
        r
        for r in (_value(fields, "Specific", "Min"), _value(fields, "AdValorem", "Min"))
        if r is not None
    ]
    high = [
        r
        for r in (_value(fields, "Specific", "Max"), _value(fields, "AdValorem", "Max"))
        if r is not None
    ]
    if not regular:
        raise InvalidFormat(
            "a customsDuties row without a regular rate", value=dict(fields), path="customsDuties"
        )
    base = regular[0] if len(regular) == 1 else Compound(tuple(regular))
    if isinstance(base, Compound) and any(isinstance(p, Free) for p in base.parts):
        base = next(p for p in base.parts if not isinstance(p, Free))
    if low or high:
        return Bounded(base, floor=low[0] if low else None, cap=high[0] if high else None)
    return base


def excise_fields(rate: Rate) -> dict[str, Any]:
    """The rate fields of an ``exciseTaxes`` entity: a type (1 dollars or 2 cents per unit of
    measure, 3 percent of the value for duty, as for customs duties), a value, and the unit."""
    if isinstance(rate, Free):
        return {"ExciseTaxRateTypeCode": _PERCENT, "ExciseTaxRateValue": "0"}
    if isinstance(rate, AdValorem):
        return {"ExciseTaxRateTypeCode": _PERCENT, "ExciseTaxRateValue": str(rate.percent)}
    if isinstance(rate, Specific):
        return {
            "ExciseTaxRateTypeCode": _CENTS if rate.cents else _DOLLARS,
            "ExciseTaxRateValue": str(rate.amount),
            "UnitOfMeasureCode": rate.unit,
        }
    raise InvalidFormat("cannot be written as exciseTaxes fields", value=str(rate), path="rate")


def excise_rate_from_fields(fields: Mapping[str, Any]) -> Rate:
    """The rate an ``exciseTaxes`` entity describes."""
    kind = str(fields.get("ExciseTaxRateTypeCode", ""))
    raw = fields.get("ExciseTaxRateValue")
    try:
        value = Decimal(str(raw))
    except ArithmeticError:
        raise InvalidFormat("is not a number", value=raw, path="ExciseTaxRateValue") from None
    if kind == _PERCENT:
        return Free() if value == 0 else AdValorem(value)
    if kind not in (_DOLLARS, _CENTS):
        raise InvalidFormat(
            "is not a rate type carm knows",
            value=kind,
            path="ExciseTaxRateTypeCode",
            expected="1 (dollars per unit), 2 (cents per unit) or 3 (percent of value for duty)",
        )
    return _per_unit(value, kind, fields)

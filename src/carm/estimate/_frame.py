"""Landed cost for a pandas DataFrame of products (extra ``frame``: ``pip install 'carm[frame]'``).

Each row is one product shipped on its own; the result is the frame with the estimate's figures
added as columns (``Decimal`` values, object dtype, so nothing is rounded twice or turned into a
float).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from carm.errors import InvalidComponent, ValidationErrors
from carm.estimate._bulk import estimate_many
from carm.estimate._model import Line, Settings, Shipment
from carm.estimate._result import AMOUNTS, Estimate
from carm.fx import ExchangeRateSource

__all__ = ["estimate_frame"]

_LINE_COLUMNS = (
    "classification",
    "value",
    "currency",
    "origin",
    "quantity",
    "description",
    "treatment",
    "proof_of_origin",
    "rate",
)
_REQUIRED = ("classification", "value", "origin")


def estimate_frame(
    frame: Any,
    *,
    release_date: date,
    province: str,
    importation: str = "commercial",
    mode: str = "other",
    exchange_rates: Mapping[str, Decimal | str] | None = None,
    fx: ExchangeRateSource | None = None,
    shipped_from: str | None = None,
    columns: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    workers: int | None = 1,
    progress: bool = False,
) -> Any:
    """The frame with ``treatment``, ``duty_rate``, every amount and ``total`` added per row.

    ``columns`` maps carm's names (classification, value, currency, origin, quantity,
    description, treatment, proof_of_origin, rate) to the frame's; missing optional columns are
    simply not used. A row that cannot be estimated gets its problems in an ``error`` column.
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise InvalidComponent(
            "estimate_frame needs pandas",
            value=None,
            path="frame",
            expected="pip install 'carm[frame]'",
        ) from None
    if not isinstance(frame, pd.DataFrame):
        raise InvalidComponent(
            "is not a pandas DataFrame", value=type(frame).__name__, path="frame"
        )
    names = {field: (columns or {}).get(field, field) for field in _LINE_COLUMNS}
    missing = [names[f] for f in _REQUIRED if names[f] not in frame.columns]
    if missing:
        raise InvalidComponent(
            "the frame lacks columns",
            value=sorted(map(str, frame.columns)),
            path="frame",
            expected=", ".join(missing),
        )
    present = [f for f in _LINE_COLUMNS if names[f] in frame.columns]
    shipments = []
    for values in frame[[names[f] for f in present]].itertuples(index=False, name=None):
        fields = {
            f: v
            for f, v in zip(present, values, strict=True)
            if not (v is None or (isinstance(v, float) and v != v))
        }
        if "value" in fields and not isinstance(fields["value"], Decimal):
            fields["value"] = str(fields["value"])
        shipments.append(
            Shipment(
                lines=[Line(**fields)],
                release_date=release_date,
                province=province,
                importation=importation,
                mode=mode,
                exchange_rates=exchange_rates if fx is None else None,
                fx=fx,
                shipped_from=shipped_from,
            )
        )
    outcomes = estimate_many(
        shipments, settings=settings, workers=workers, progress=progress, errors="return"
    )
    result = frame.copy()
    result["treatment"] = [
        o.lines[0].treatment if isinstance(o, Estimate) else None for o in outcomes
    ]
    result["duty_rate"] = [
        o.lines[0].duty_rate if isinstance(o, Estimate) else None for o in outcomes
    ]
    for name in (*AMOUNTS, "total"):
        result[name] = pd.Series(
            [getattr(o, name) if isinstance(o, Estimate) else None for o in outcomes],
            index=frame.index,
            dtype=object,
        )
    result["error"] = [
        str(o).splitlines()[1].strip(" -") if isinstance(o, ValidationErrors) else None
        for o in outcomes
    ]
    return result

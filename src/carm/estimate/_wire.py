"""What a worker process sends back for a chunk of shipments, and how it becomes estimates again.

Pickling estimates line by line (attrs objects, Decimals, quotes) costs more than estimating them,
and so does rebuilding them from a tuple a line. A chunk travels instead as three flat parts: the
distinct exchange quotes, one list of every line's texts (repeated texts are the same objects,
which pickle sends once), and one string of every line's amounts, which this process turns into
Decimals in a single pass. A line's working is not sent: it is worked out again here when read.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final

from carm.errors import ValidationErrors
from carm.estimate._model import Settings, Shipment
from carm.estimate._result import AMOUNTS, Estimate, LineEstimate, LowValueOutcome, Rework
from carm.fx import Quote

__all__ = ["Packed", "pack", "unpack"]

# Per line: its index, classification, origin, treatment, treatment code, duty rate, quote number.
_TEXTS: Final = 7
_AMOUNTS: Final = len(AMOUNTS)
_amounts_of: Final = operator.attrgetter(*AMOUNTS)  # in LineEstimate's order, as unpack reads them

# The quotes; every line's texts; every line's amounts; per shipment, its errors or its line
# count, low-value outcome and edition.
Packed = tuple[
    list[Quote], list[Any], str, list[ValidationErrors | tuple[int, LowValueOutcome, str]]
]


def pack(outcomes: Iterable[Estimate | ValidationErrors]) -> Packed:
    quotes: dict[Quote, int] = {}
    texts: list[Any] = []
    amounts: list[str] = []
    shipments: list[ValidationErrors | tuple[int, LowValueOutcome, str]] = []
    for outcome in outcomes:
        if not isinstance(outcome, Estimate):
            shipments.append(outcome)
            continue
        for line in outcome.lines:
            texts += (line.index, line.classification, line.origin, line.treatment,
                      line.treatment_code, line.duty_rate,
                      quotes.setdefault(line.quote, len(quotes)))  # fmt: skip
            amounts += map(str, _amounts_of(line))
        shipments.append((len(outcome.lines), outcome.low_value, outcome.edition))
    return list(quotes), texts, " ".join(amounts), shipments


def unpack(
    packed: Packed, shipments: Sequence[Shipment], settings: Settings
) -> list[Estimate | ValidationErrors]:
    """The estimates of ``shipments`` (the chunk, in order) from what a worker sent."""
    quotes, texts, amount_text, outcomes = packed
    amounts = list(map(Decimal, amount_text.split(" "))) if amount_text else []
    text_at = amount_at = 0
    found: list[Estimate | ValidationErrors] = []
    for shipment, outcome in zip(shipments, outcomes, strict=True):
        if isinstance(outcome, ValidationErrors):
            found.append(outcome)
            continue
        count, low_value, edition = outcome
        rework = Rework(shipment, settings)
        lines = []
        for _ in itertools.repeat(None, count):
            index, code, origin, treatment, treatment_code, rate, quote = texts[
                text_at : text_at + _TEXTS
            ]
            vfd, duty, surtax, sima, excise_duty, excise_tax, vft, gst_hst, pst = amounts[
                amount_at : amount_at + _AMOUNTS
            ]
            lines.append(
                LineEstimate(
                    index, code, shipment.lines[index].description, origin, treatment,
                    treatment_code, rate, quotes[quote], vfd, duty, surtax, sima, excise_duty,
                    excise_tax, vft, gst_hst, pst, rework,
                )
            )  # fmt: skip
            text_at += _TEXTS
            amount_at += _AMOUNTS
        found.append(Estimate(shipment, tuple(lines), low_value, edition, settings))
    return found

"""Units of measure in rate texts and quantities: spellings, codes and exact conversions."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from carm.errors import InvalidComponent, InvalidType

__all__ = ["UNIT_NAMES", "convert_quantity", "convertible_from", "unit_code", "unit_symbol"]

UNIT_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "NMB": "number (count)",
        "KGM": "kilogram",
        "GRM": "gram",
        "TNE": "tonne",
        "LTR": "litre",
        "MLT": "millilitre",
        "HLT": "hectolitre",
        "LPA": "litre of absolute ethyl alcohol",
        "DZN": "dozen",
        "PAR": "pair",
        "DPR": "dozen pairs",
        "MIL": "thousand",
        "MTR": "metre",
        "MTK": "square metre",
        "MTQ": "cubic metre",
        "CTM": "metric carat",
        "MWH": "megawatt hour",
    }
)
"""Unit codes (UN/ECE Recommendation 20, as the CBSA uses them) and their names.

Source: ``shared/data/code_lists/cbsa_units_of_measure_partial.csv`` and the tariff's ``unit``
column; MLT and MIL added for rate texts in millilitres and per thousand.
"""

# How rate texts and callers spell units; the first spelling of each code is how carm writes it.
_SPELLINGS: Final[dict[str, tuple[str, ...]]] = {
    "NMB": ("each", "ea", "unit", "units", "number", "no.", "nmb"),
    "KGM": ("kg", "kilogram", "kilograms", "kgm"),
    "GRM": ("g", "gram", "grams", "grm"),
    "TNE": ("tonne", "tonnes", "t", "metric ton", "tne"),
    "LTR": ("litre", "litres", "liter", "liters", "l", "ltr"),
    "MLT": ("ml", "millilitre", "millilitres", "mlt"),
    "HLT": ("hl", "hectolitre", "hectolitres", "hlt"),
    "LPA": (
        "litre of absolute ethyl alcohol",
        "litre of pure alcohol",
        "litres of absolute ethyl alcohol",
        "lpa",
    ),
    "DZN": ("dozen", "doz", "dzn"),
    "PAR": ("pair", "pairs", "par"),
    "DPR": ("dozen pairs", "dpr"),
    "MIL": ("thousand", "1000", "mil"),
    "MTR": ("m", "metre", "metres", "mtr"),
    "MTK": ("m²", "m2", "square metre", "square metres", "mtk"),
    "MTQ": ("m³", "m3", "cubic metre", "cubic metres", "mtq"),
    "CTM": ("carat", "carats", "ctm"),
    "MWH": ("mwh", "megawatt hour"),
}

_BY_SPELLING: Final[dict[str, str]] = {
    spelling: code for code, spellings in _SPELLINGS.items() for spelling in spellings
}

# Conversions: quantity in the target unit = quantity in the source unit × numerator / denominator.
# The division comes last so that a dozen of 7 units stays as exact as Decimal allows.
_CONVERSIONS: Final[dict[tuple[str, str], tuple[int, int]]] = {
    ("KGM", "GRM"): (1, 1000),
    ("KGM", "TNE"): (1000, 1),
    ("TNE", "KGM"): (1, 1000),
    ("TNE", "GRM"): (1, 1_000_000),
    ("GRM", "KGM"): (1000, 1),
    ("LTR", "MLT"): (1, 1000),
    ("LTR", "HLT"): (100, 1),
    ("HLT", "LTR"): (1, 100),
    ("HLT", "MLT"): (1, 100_000),
    ("MLT", "LTR"): (1000, 1),
    ("NMB", "DZN"): (12, 1),
    ("NMB", "MIL"): (1000, 1),
    ("DZN", "NMB"): (1, 12),
    ("MIL", "NMB"): (1, 1000),
    ("PAR", "DPR"): (12, 1),
    ("DPR", "PAR"): (1, 12),
}


def unit_code(text: str, *, path: str = "unit") -> str:
    """The unit code for a spelling or code: ``"kg"`` and ``"KGM"`` both give ``"KGM"``."""
    if not isinstance(text, str):
        raise InvalidType(value=text, path=path, expected="a unit such as 'KGM' or 'kg'")
    key = " ".join(text.strip().lower().split())
    if key.upper() in UNIT_NAMES:
        return key.upper()
    try:
        return _BY_SPELLING[key]
    except KeyError:
        raise InvalidComponent(
            "is not a known unit of measure",
            value=text,
            path=path,
            expected="one of " + ", ".join(UNIT_NAMES),
        ) from None


def unit_symbol(code: str) -> str:
    """How carm writes a unit in a rate text (``"kg"`` for ``KGM``)."""
    return _SPELLINGS[code][0]


_CONVERSIONS_TO: Final[dict[str, tuple[tuple[str, int, int], ...]]] = {
    code: tuple((s, n, d) for (t, s), (n, d) in _CONVERSIONS.items() if t == code)
    for code in {target for target, _ in _CONVERSIONS}
}


def convert_quantity(quantities: Mapping[str, Decimal], code: str) -> Decimal | None:
    """The quantity in ``code``: given directly, or converted exactly from another unit given."""
    if code in quantities:
        return quantities[code]
    for source, numerator, denominator in _CONVERSIONS_TO.get(code, ()):
        if source in quantities:
            return quantities[source] * numerator / denominator
    return None


def convertible_from(code: str) -> tuple[str, ...]:
    """The units from which a quantity in ``code`` can be converted exactly."""
    return tuple(source for source, _, _ in _CONVERSIONS_TO.get(code, ()))

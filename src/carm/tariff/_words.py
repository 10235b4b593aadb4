"""Words as the classifier sees them: normalised for the index, or plain for the curated terms."""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Final

__all__ = ["data_rows", "normalise", "plain_words"]

_TOKEN: Final = re.compile(r"[a-z0-9]+")
_STOP: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "of",
        "the",
        "for",
        "with",
        "without",
        "in",
        "on",
        "to",
        "by",
        "from",
        "at",
        "as",
        "is",
        "are",
        "be",
        "its",
        "their",
        "this",
        "that",
        "than",
        "not",
        "no",
        "other",
        "others",
        "nesoi",
        "thereof",
        "whether",
        "kind",
        "kinds",
        "type",
        "types",
        "such",
        "used",
        "use",
        "like",
        "etc",
        "including",
        "include",
        "excluding",
        "exceeding",
        "exceed",
        "more",
        "less",
        "over",
        "under",
        "per",
        "each",
        "new",
        "mm",
        "cm",
        "kg",
        "g",
        "m",
        "l",
        "ml",
        "pcs",
        "pc",
    ]
)
_FOLD: Final = {
    "womens": "women", "woman": "women", "ladies": "women", "lady": "women", "girls": "women",
    "girl": "women", "female": "women", "mens": "men", "man": "men", "boys": "men", "boy": "men",
    "male": "men", "tee": "tshirt", "tees": "tshirt", "tshirts": "tshirt", "t": "t",
    "cellphone": "telephone", "smartphone": "telephone", "phone": "telephone", "phones": "telephone",
    "laptop": "computer", "notebook": "notebook", "tv": "television", "sneaker": "footwear",
    "knit": "knitted", "sneakers": "footwear", "shoe": "footwear", "shoes": "footwear", "boots": "footwear",
    "boot": "footwear", "sandal": "footwear", "sandals": "footwear",
}  # fmt: skip
"""Everyday words folded onto the nomenclature's: gender (HS "men's or boys'", "women's or
girls'"), and a few product names whose tariff wording differs (HS 8517 "telephone sets", 8471
"automatic data processing machines", 64 "footwear"). Kept small on purpose: measured, not tuned to
the development set."""


_SPELLING: Final = {
    "color": "colour", "aluminum": "aluminium", "fiber": "fibre", "tire": "tyre",
    "jewelry": "jewellery", "gray": "grey", "molded": "moulded", "catalog": "catalogue",
}  # fmt: skip
"""American spellings folded onto the nomenclature's British ones: the US HTSUS lines (and most
merchants in North America) write "aluminum", "fiber", "tires"; HS 2022 writes "aluminium",
"fibre", "tyres"."""


def _singular(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


@lru_cache(maxsize=65_536)
def _word(token: str) -> str:
    token = _singular(_FOLD.get(token, token))
    return _SPELLING.get(token, token)


def _ascii_lower(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def plain_words(text: str) -> list[str]:
    # Words as written, singular, without the folds: "sneakers" must not match every "footwear".
    return [_singular(token) for token in _TOKEN.findall(_ascii_lower(text))]


def normalise(text: str) -> list[str]:
    """The words of ``text`` as the index sees them.

    >>> normalise("Women's 100% Cotton T-Shirts, knitted")
    ['women', '100', 'cotton', 'tshirt', 'knitted']
    """
    plain = (
        _ascii_lower(text)
        .replace("'s ", "s ")
        .replace("t-shirt", "tshirt")
        .replace("t shirt", "tshirt")
    )
    words = []
    for token in _TOKEN.findall(plain):
        if token in _STOP or (len(token) < 2 and not token.isdigit()):
            continue
        word = _word(token)
        if word not in _STOP:
            words.append(word)
    return words


def data_rows(name: str) -> Iterable[dict[str, str]]:
    """The rows of a CSV file (gzipped or not) in the package's tariff data."""
    raw = resources.files("carm.tariff").joinpath("data", name).read_bytes()
    text = gzip.decompress(raw).decode("utf-8") if name.endswith(".gz") else raw.decode("utf-8")
    return csv.DictReader(io.StringIO(text))

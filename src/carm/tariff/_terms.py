"""The curated lexicons the classifier reads: everyday product terms (``product_terms.csv``) and
the materials goods are made of (``materials.csv``), and the headings of materials as such
(``primary_forms.csv``)."""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import attrs

from carm.tariff._words import data_rows, plain_words

__all__ = [
    "Material",
    "Term",
    "material_chapters",
    "materials_in",
    "primary_form_headings",
    "product_terms_in",
    "terms_in",
    "wording_in",
]


@attrs.frozen
class Term:
    """A curated product term: the nomenclature's wording for it and the headings its goods
    fall in, whatever they are made of."""

    term: str
    expansion: str
    headings: frozenset[str]

    @property
    def rule(self) -> str:
        return f"rule: {self.term} = {self.expansion} (heading {', '.join(sorted(self.headings))})"


@cache
def _product_terms() -> dict[tuple[str, ...], Term]:
    """Everyday product names (``product_terms.csv``: term, expansion, the subheading it points
    to, the headings it may fall in, the source of that wording)."""
    found = {}
    for row in data_rows("product_terms.csv"):
        words = tuple(plain_words(row["term"]))
        found[words] = Term(" ".join(words), row["expansion"], frozenset(row["headings"].split()))
    return found


# "w/" is "with"; a bare "W" is watts ("1500 W space heater"), and "plus" is as often a size.
_ASIDE: Final = re.compile(r"(?:\b(?:with|for|including|featuring)\b|\bw/).*", re.IGNORECASE)


def main_part(text: str) -> str:
    """What the goods are, without what follows "with", "for", "including"...: another part or
    a use ("phone case for iPhone" is a case; "hose reinforced with braided stainless steel" is a
    hose)."""
    return _ASIDE.sub("", text)


_MODIFIED: Final = frozenset({
    "rack", "holder", "stand", "organizer", "organiser", "case", "cover", "bag", "box",
    "dispenser", "opener", "mount", "protector", "tray", "horn", "polish", "dryer", "cleaner",
    "mat", "hook", "brush", "bucket", "shelf", "storage", "container", "clip", "strap", "band", "pad",
    "sleeve", "shade", "base", "pouch", "skin", "refill", "replacement", "part", "accessory",
    "operated", "powered", "shaped", "themed", "print", "pattern", "decal", "sticker",
    "bowl", "plate", "cup", "jar", "maker", "cutter", "scoop", "grinder", "dish", "flavor",
    "flavour", "flavored", "flavoured", "scented", "scent",
})  # fmt: skip
"""Words that, after a product term, make it a modifier of another thing: a "shoe rack" is a
rack, a "candle holder" a holder, "battery operated" lights are lights (in English compounds the
last noun names the thing)."""


def terms_in(text: str) -> list[Term]:
    """The product terms of the main part of ``text`` (:func:`main_part`): longest first, never
    overlapping, none that modifies the word after it (``_MODIFIED``) or the term right after it
    ("beef jerky" is jerky, "chicken noodles" noodles)."""
    return [term for part in _PHRASES.split(main_part(text)) for term in _terms_of(part)]


# Where one noun phrase of a title ends and the next begins ("Dog Food, Chicken & Rice").
_PHRASES: Final = re.compile(r"[,;:/&()|+\[\]]| [-–—] ")


def _terms_of(phrase: str) -> list[Term]:
    terms = _product_terms()
    words = plain_words(phrase)
    found: dict[int, tuple[int, Term]] = {}  # start: (end, term)
    taken: set[int] = set()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            term = terms.get(tuple(words[start : start + size]))
            if term is None or not taken.isdisjoint(span):
                continue
            taken.update(span)  # a modifier's words are not another term's either
            following = words[start + size] if start + size < len(words) else ""
            if following not in _MODIFIED:
                found[start] = (start + size, term)
    return [term for start, (end, term) in sorted(found.items()) if end not in found]


def product_terms_in(text: str) -> list[tuple[str, str]]:
    """The curated product terms ``text`` uses, with the nomenclature's wording for each.

    Longest first, never overlapping, and only where a term names the goods (:func:`terms_in`);
    the classifier adds the wording to the description, so that "laptop" is searched as "portable
    automatic data processing machines" too, and ranks the headings the term's goods fall in above
    the others.

    >>> product_terms_in("Gaming laptop and wireless earbuds")
    [('laptop', 'portable automatic data processing machines'), ('earbud', 'headphones and earphones')]
    >>> product_terms_in("Silicone phone case for iPhone 15")
    [('phone case', 'cases and containers of a kind normally carried in the pocket or in the handbag')]
    """
    return [(term.term, term.expansion) for term in terms_in(text)]


@attrs.frozen
class Material:
    """A material word: the HS chapters that hold goods of it, and the words the nomenclature's
    own texts use for it ("polyester": "synthetic", "man-made", "textile", "plastics")."""

    chapters: frozenset[str]
    wording: frozenset[str]


@cache
def _materials() -> dict[str, Material]:
    """Material words (``materials.csv``)."""
    return {
        row["word"]: Material(
            frozenset(row["chapters"].split()), frozenset(row["hs_wording"].split(";"))
        )
        for row in data_rows("materials.csv")
    }


@cache
def material_chapters() -> frozenset[str]:
    """Every chapter a material of ``materials.csv`` names."""
    return frozenset().union(*(material.chapters for material in _materials().values()))


def materials_in(text: str) -> dict[str, Material]:
    """The materials the goods themselves are said to be made of.

    Only the description's :func:`main_part` counts.

    >>> sorted(materials_in("Stainless steel water bottle with bamboo lid"))
    ['stainless', 'steel']
    """
    known = _materials()
    return {word: known[word] for word in plain_words(main_part(text)) if word in known}


# What a nomenclature text excludes does not say what it covers: "(other than cotton)",
# "other than of porcelain or china", "excluding cast".
_EXCLUDED: Final = re.compile(r"\([^)]*\)|\b(?:other than|excluding|not)\b[^,;]*")


@cache
def _wording_pattern() -> re.Pattern[str]:
    phrases = sorted(
        frozenset().union(*(material.wording for material in _materials().values())),
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(" + "|".join(re.escape(phrase) for phrase in phrases) + r")\b")


def wording_in(nomenclature_text: str) -> frozenset[str]:
    """The material words a nomenclature text says its goods are of (not those it excludes).

    >>> sorted(wording_in("T-shirts, singlets and other vests; of textile materials (other than cotton), knitted"))
    ['textile']
    """
    covered = _EXCLUDED.sub(" ", nomenclature_text.lower())
    return frozenset(_wording_pattern().findall(covered))


@cache
def primary_form_headings() -> frozenset[str]:
    """The headings of materials in primary or semi-finished form (``primary_forms.csv``):
    plastics in primary forms and plates, sawn wood, yarn and fabrics, steel bars and wire..."""
    return frozenset(
        f"{heading:04d}"
        for row in data_rows("primary_forms.csv")
        for heading in range(int(row["first"]), int(row["last"]) + 1)
    )

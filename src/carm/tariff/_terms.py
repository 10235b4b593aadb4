"""The curated lexicons the classifier reads: everyday product terms (``product_terms.csv``) and
the materials goods are made of (``materials.csv``)."""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import attrs

from carm.tariff._words import data_rows, plain_words

__all__ = ["Term", "material_chapters", "materials_in", "product_terms_in", "terms_in"]


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


def terms_in(text: str) -> list[Term]:
    terms = _product_terms()
    words = plain_words(text)
    found: list[tuple[int, Term]] = []
    taken: set[int] = set()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            term = terms.get(tuple(words[start : start + size]))
            if term is not None and taken.isdisjoint(span):
                found.append((start, term))
                taken.update(span)
    return [term for _, term in sorted(found, key=lambda item: item[0])]


def product_terms_in(text: str) -> list[tuple[str, str]]:
    """The curated product terms ``text`` uses, with the nomenclature's wording for each.

    Longest first, never overlapping; the classifier adds the wording to the description, so that
    "laptop" is searched as "portable automatic data processing machines" too, and ranks the
    headings the term's goods fall in above the others.

    >>> product_terms_in("Gaming laptop with wireless earbuds")
    [('laptop', 'portable automatic data processing machines'), ('earbud', 'headphones and earphones')]
    """
    return [(term.term, term.expansion) for term in terms_in(text)]


_ASIDE: Final = re.compile(r"\b(?:with|for|w|including|featuring|plus)\b.*", re.IGNORECASE)


@cache
def _materials() -> dict[str, frozenset[str]]:
    """Materials and the HS chapters that hold goods of them (``materials.csv``)."""
    return {row["word"]: frozenset(row["chapters"].split()) for row in data_rows("materials.csv")}


@cache
def material_chapters() -> frozenset[str]:
    """Every chapter a material of ``materials.csv`` names."""
    return frozenset().union(*_materials().values())


def materials_in(text: str) -> dict[str, frozenset[str]]:
    """The materials the goods themselves are said to be made of, with their chapters.

    Only the description's main part counts: what follows "with", "for", "including"... is
    another part or a use ("hose reinforced with braided stainless steel" is not named steel).

    >>> sorted(materials_in("Stainless steel water bottle with bamboo lid"))
    ['stainless', 'steel']
    """
    known = _materials()
    main = _ASIDE.sub("", text)
    return {word: known[word] for word in plain_words(main) if word in known}

"""The HS 2022 nomenclature (sections, chapters, headings, subheadings), loaded once from package data."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Final

import attrs

from carm.errors import UnknownCode

__all__ = ["HsNode", "Node", "Nomenclature", "format_code", "nomenclature"]

_LEVEL_NAMES: Final = {"2": "chapter", "4": "heading", "6": "subheading"}
_ROMAN: Final = frozenset("IVXLC")


def format_code(digits: str) -> str:
    """Digits written the way the tariff writes them: ``6109``, ``6109.10``, ``6109.10.00.11``.

    >>> format_code("6109100011")
    '6109.10.00.11'
    """
    if len(digits) <= 4:
        return digits
    return ".".join([digits[:4], *(digits[i : i + 2] for i in range(4, len(digits), 2))])


@attrs.frozen
class Node:
    """A place in the hierarchy: section, chapter, heading, subheading, tariff item or classification."""

    level: str
    code: str
    description: str


@attrs.frozen
class HsNode:
    level: str
    code: str  # formatted
    description: str
    parent: str | None  # digits of the parent, or the section numeral for a chapter
    section: str


class Nomenclature:
    """HS sections, chapters, headings and subheadings with their parents and children."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str, str]], sections: dict[str, str]):
        self.name = "HS 2022"
        self._nodes: dict[str, HsNode] = {}
        self._children: dict[str, list[str]] = {}
        self._sections = sections
        for code, level, parent, section, description in rows:
            node = HsNode(
                _LEVEL_NAMES[level], format_code(code), description, parent or section, section
            )
            self._nodes[code] = node
            self._children.setdefault(parent or section, []).append(code)

    def is_section(self, text: str) -> bool:
        stripped = text.strip().upper()
        return bool(stripped) and set(stripped) <= _ROMAN

    def section(self, numeral: str) -> Node:
        key = numeral.strip().upper()
        if key not in self._sections:
            raise UnknownCode(
                f"no section {key} in {self.name}",
                value=numeral,
                path="code",
                expected="a section from I to XXI",
            )
        return Node("section", key, self._sections[key])

    def section_of(self, chapter: str) -> Node:
        return self.section(self._nodes[chapter].section)

    def check(self, digits: str, *, path: str, original: str) -> None:
        """Raise :class:`~carm.errors.UnknownCode` naming the first part of ``digits`` that does not exist."""
        for length, name in ((2, "chapter"), (4, "heading"), (6, "subheading")):
            if len(digits) < length:
                return
            if digits[:length] not in self._nodes:
                where = ""
                if length > 2:
                    parent = "chapter" if length == 4 else "heading"
                    where = f" in {parent} {format_code(digits[: length - 2])}"
                raise UnknownCode(
                    f"no such {name} {format_code(digits[:length])}{where} in {self.name}",
                    value=original,
                    path=path,
                )

    def node(self, digits: str, *, original: str) -> HsNode:
        self.check(digits, path="code", original=original)
        return self._nodes[digits]

    def children(self, code: str) -> list[HsNode]:
        key = code.replace(".", "")
        return [self._nodes[child] for child in self._children.get(key, [])]


def _data(name: str) -> bytes:
    return resources.files("carm.tariff").joinpath("data", name).read_bytes()


@cache
def nomenclature() -> Nomenclature:
    """The bundled HS 2022 nomenclature, loaded on first use."""
    text = gzip.decompress(_data("hs2022.csv.gz")).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    next(reader)
    rows = [(r[0], r[1], r[2], r[3], r[4]) for r in reader]
    sections = {
        row["section"]: row["name"]
        for row in csv.DictReader(io.StringIO(_data("sections.csv").decode("utf-8-sig")))
    }
    return Nomenclature(rows, sections)

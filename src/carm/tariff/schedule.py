"""The Customs Tariff schedule: tariff lines, their rates, and the HS hierarchy above them.

>>> from carm import tariff
>>> sched = tariff.load_schedule()
>>> line = sched.lookup("6109100011")
>>> line.classification, line.tariff_item, line.hs6, line.uom
('6109.10.00.11', '6109.10.00', '610910', 'NMB')
>>> line.rate("MFN").text, line.rate("UST").text
('18%', 'Free')
>>> [node.code for node in sched.ancestors("9503.00.00.90")]
Traceback (most recent call last):
...
carm.errors.UnknownCode: code: no tariff item 9503.00.00 in edition T2026-2 (an excerpt of the schedule): expected one of 9503.00.10, 9503.00.90 (got '9503.00.00.90')
>>> [node.code for node in sched.ancestors("9503.00.90.91")]
['9503.00.90', '9503.00', '9503', '95', 'XX']

Codes are accepted with or without dots: ``6109.10.00.11``, ``6109100011``. Eight digits name a
tariff item, ten a classification (tariff item and statistical suffix); two, four and six name the
HS chapter, heading and subheading (:meth:`Schedule.node`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Final

import attrs

from carm.errors import InvalidFormat, InvalidLength, UnknownCode
from carm.tariff._hs import Node, Nomenclature, format_code
from carm.tariff._readers import TariffRow, parse_tariff_code
from carm.tariff.options import TreatmentOptions, options_for
from carm.tariff.rates import NotAvailable, Rate, parse_rate
from carm.tariff.treatments import TreatmentTable, treatment

__all__ = ["Node", "Schedule", "TariffLine"]

LEVELS: Final = {
    2: "chapter",
    4: "heading",
    6: "subheading",
    8: "tariff item",
    10: "classification",
}


@attrs.frozen(eq=False)
class TariffLine:
    """A tariff item or a classification of one edition of the schedule, with its rates."""

    tariff_item: str
    """Eight digits, dotted: ``6109.10.00``."""
    classification: str | None
    """Ten digits, dotted: ``6109.10.00.11``; ``None`` on the line of the tariff item itself."""
    uom: str | None
    """Unit of measure code (``NMB``, ``KGM``...) or ``None`` where the schedule has none."""
    description: str
    edition: str
    rates: Mapping[str, Rate]
    """Treatment abbreviation to rate, MFN first; ``N/A`` treatments are there as unavailable."""

    @property
    def code(self) -> str:
        """The most specific code of the line."""
        return self.classification or self.tariff_item

    @property
    def hs6(self) -> str:
        """The HS subheading, six digits without dots: ``610910``."""
        return self.tariff_item[:4] + self.tariff_item[5:7]

    @property
    def short_description(self) -> str:
        """The last part of the description: what this line adds to its parent."""
        return self.description.rsplit(" - ", 1)[-1]

    def rate(self, treatment_code: str) -> Rate:
        """The rate of a treatment (``"UST"`` or its CBSA code ``"10"``) on this line.

        A known treatment that the line does not list has no rate here: :class:`NotAvailable`.
        """
        abbreviation = treatment(treatment_code).abbreviation
        return self.rates.get(abbreviation, NotAvailable())

    def options(
        self,
        *,
        origin: str,
        as_of: date,
        proof_of_origin: bool = True,
        value_for_duty: Decimal | None = None,
        quantities: Mapping[str, Decimal] | None = None,
        table: TreatmentTable | None = None,
    ) -> TreatmentOptions:
        """Every treatment goods of ``origin`` may claim on ``as_of``, with its rate on this line.

        With ``value_for_duty`` (and the ``quantities`` specific rates need) each option gets its
        duty and the lowest is recommended; without, options are compared by rate where every rate
        is ad valorem. With ``proof_of_origin=False`` only MFN (or the General Tariff) is offered.
        """
        return options_for(
            self,
            origin=origin,
            as_of=as_of,
            proof_of_origin=proof_of_origin,
            value_for_duty=value_for_duty,
            quantities=quantities,
            table=table,
        )

    def __repr__(self) -> str:
        return f"<TariffLine {self.code} {self.edition} MFN {self.rates.get('MFN')}>"


def _line(row: TariffRow, edition: str) -> TariffLine:
    rates = {code: parse_rate(text) for code, text in row.rate_texts}
    item = format_code(row.tariff_item)
    return TariffLine(
        tariff_item=item,
        classification=f"{item}.{row.suffix}" if row.suffix else None,
        uom=row.unit,
        description=row.description,
        edition=edition,
        rates=MappingProxyType(rates),
    )


def _common_description(descriptions: list[str]) -> str:
    parts = [text.split(" - ") for text in descriptions]
    common: list[str] = []
    for pieces in zip(*parts, strict=False):
        if any(piece != pieces[0] for piece in pieces):
            break
        common.append(pieces[0])
    return " - ".join(common)


class Schedule:
    """One edition of the Customs Tariff over the HS nomenclature.

    Build one with :func:`carm.tariff.load_schedule`; it is immutable and safe to share.
    """

    def __init__(
        self,
        rows: Iterable[TariffRow],
        *,
        edition: str,
        effective: date,
        nomenclature: Nomenclature,
        source: str = "",
        excerpt: bool = False,
    ) -> None:
        self.edition = edition
        self.effective = effective
        self.source = source
        self.excerpt = excerpt
        self.nomenclature = nomenclature
        lines: dict[str, TariffLine] = {}
        items: dict[str, TariffLine] = {}
        by_item: dict[str, list[TariffLine]] = {}
        for row in rows:
            line = _line(row, edition)
            if row.suffix:
                lines.setdefault(row.tariff_item + row.suffix, line)
                by_item.setdefault(row.tariff_item, []).append(line)
            else:
                items.setdefault(row.tariff_item, line)
                by_item.setdefault(row.tariff_item, [])
        for item, children in by_item.items():
            if item not in items:
                items[item] = self._item_from(children)
        self._lines = lines
        self._items = items
        self._classifications = {
            item: tuple(sorted(line.code for line in children))
            for item, children in by_item.items()
        }
        # Declarable lines: classifications, and tariff items that have none (see __iter__).
        self._length = len(lines) + sum(1 for item in items if not self._classifications.get(item))
        self._items_by_hs6: dict[str, list[str]] = {}
        for item in sorted(items):
            self._items_by_hs6.setdefault(item[:6], []).append(item)
        # Fast path for lookups: every spelling a caller is likely to use, once.
        self._by_text: dict[str, TariffLine] = {}
        for digits, line in [*items.items(), *lines.items()]:
            self._by_text[digits] = line
            self._by_text[line.code] = line

    def _item_from(self, children: list[TariffLine]) -> TariffLine:
        # The source lists some items only through their classifications (or a "00" row).
        first = children[0]
        if len(children) == 1:
            description = first.description
        else:
            description = _common_description([c.description for c in children])
        return attrs.evolve(first, classification=None, description=description)

    def __repr__(self) -> str:
        return f"<Schedule {self.edition} effective {self.effective} ({len(self)} lines)>"

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[TariffLine]:
        """Every declarable line: classifications, and tariff items that have none."""
        for item in sorted(self._items):
            yield from self._declarable(item)

    def under(self, hs6: str) -> Iterator[TariffLine]:
        """The declarable lines of HS subheading ``hs6`` (six digits), in the order of iteration.

        >>> from carm.tariff import load_schedule
        >>> [line.code for line in load_schedule().under("610910")][:2]
        ['6109.10.00.11', '6109.10.00.12']
        """
        for item in self._items_by_hs6.get(hs6, ()):
            yield from self._declarable(item)

    def _declarable(self, item: str) -> Iterator[TariffLine]:
        codes = self._classifications.get(item)
        if codes:
            for code in codes:
                yield self._lines[code.replace(".", "")]
        else:
            yield self._items[item]

    def lookup(self, code: str) -> TariffLine:
        """The tariff item (8 digits) or classification (10 digits) ``code`` names."""
        found = self._by_text.get(code) if isinstance(code, str) else None
        if found is not None:
            return found
        digits = self._digits(code)
        if len(digits) < 8:
            self.nomenclature.check(digits, path="code", original=code)
            raise InvalidLength(
                "names an HS code, not a tariff line",
                value=code,
                path="code",
                expected="a tariff item (8 digits) or classification (10 digits); "
                "use node() for chapters, headings and subheadings",
            )
        self.nomenclature.check(digits[:6], path="code", original=code)
        item = self._items.get(digits[:8])
        if item is None:
            raise self._unknown(
                f"no tariff item {format_code(digits[:8])} in edition {self.edition}",
                code,
                self._items_by_hs6.get(digits[:6], []),
            )
        if len(digits) == 8:
            return item
        line = self._lines.get(digits)
        if line is None:
            raise self._unknown(
                f"no classification {format_code(digits)} in edition {self.edition}",
                code,
                [c.replace(".", "") for c in self._classifications.get(digits[:8], ())],
            )
        return line

    def _unknown(self, message: str, code: str, nearby: list[str]) -> UnknownCode:
        if self.excerpt:
            message += " (an excerpt of the schedule)"
        expected = "one of " + ", ".join(format_code(c) for c in nearby) if nearby else None
        return UnknownCode(message, value=code, path="code", expected=expected)

    def _digits(self, code: object) -> str:
        if not isinstance(code, str):
            raise InvalidFormat(value=code, path="code", expected="a tariff code as a str")
        return parse_tariff_code(code, path="code")

    def node(self, code: str) -> Node:
        """The hierarchy node of any code: section (roman numeral), HS code, item or classification."""
        if isinstance(code, str) and self.nomenclature.is_section(code):
            return self.nomenclature.section(code)
        digits = self._digits(code)
        if len(digits) <= 6:
            hs = self.nomenclature.node(digits, original=code)
            return Node(hs.level, hs.code, hs.description)
        line = self.lookup(code)
        level = LEVELS[10] if line.classification else LEVELS[8]
        return Node(level, line.code, line.description)

    def children(self, code: str) -> tuple[Node, ...]:
        """The nodes one level below ``code`` (sections have chapters, subheadings tariff items...).

        Below a subheading, only the tariff items of this edition appear.
        """
        parent = self.node(code)
        digits = parent.code.replace(".", "")
        if parent.level == "section" or len(digits) < 6:
            return tuple(
                Node(c.level, c.code, c.description)
                for c in self.nomenclature.children(parent.code)
            )
        if len(digits) == 6:
            return tuple(self.node(item) for item in self._items_by_hs6.get(digits, []))
        if len(digits) == 8:
            return tuple(self.node(c) for c in self._classifications.get(digits, ()))
        return ()

    def ancestors(self, code: str) -> tuple[Node, ...]:
        """The nodes above ``code``, nearest first, up to its section."""
        start = self.node(code)
        digits = start.code.replace(".", "")
        found: list[Node] = []
        if start.level == "section":
            return ()
        if len(digits) == 10:
            found.append(self.node(digits[:8]))
        for length in (6, 4, 2):
            if len(digits) > length:
                found.append(self.node(digits[:length]))
        found.append(self.nomenclature.section_of(digits[:2]))
        return tuple(found)

    def classifications(self) -> Iterator[TariffLine]:
        """Every 10-digit classification line."""
        return iter(self._lines.values())

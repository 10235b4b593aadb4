"""Readers for the Customs Tariff files carm understands, all giving :class:`TariffRow` records.

Two layouts:

- carm's bundled layout (that of ``shared/data/cbsa_tariff``): ``tariff_item``,
  ``statistical_suffix``, ``description``, ``unit``, ``mfn_tariff``, ``preferential_tariffs`` (the
  schedule's "Applicable Preferential Tariffs" text);
- the CBSA's full schedule as ``mdb-export 01-99-YYYY-N-eng.accdb TPHS`` writes it: ``TARIFF``,
  ``EFF_DATE``, ``CHANGE``, ``SUB_CHAP``, ``FOOTNOTE``, ``DESC1``-``DESC3``, ``UOM``, then one rate
  column per treatment (``MFN``, ``General Tariff``, ``AUT``, ... ``CPUKT``). carm also stores
  imported editions in this layout.

Every row is checked (code, unit, every rate text parses) and every problem is reported at once,
as :class:`~carm.errors.ValidationErrors`, before anything is used or stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Final

import attrs

from carm.errors import ErrorCollector, InvalidFormat, InvalidLength
from carm.tariff._units import unit_code
from carm.tariff.rates import parse_preferential, parse_rate

__all__ = [
    "BUNDLED_COLUMNS",
    "TPHS_LEADING_COLUMNS",
    "TariffRow",
    "detect_layout",
    "parse_tariff_code",
    "read_bundled",
    "read_tphs",
    "write_tphs",
]

BUNDLED_COLUMNS: Final = (
    "tariff_item",
    "statistical_suffix",
    "description",
    "unit",
    "mfn_tariff",
    "preferential_tariffs",
)
TPHS_LEADING_COLUMNS: Final = (
    "TARIFF",
    "EFF_DATE",
    "CHANGE",
    "SUB_CHAP",
    "FOOTNOTE",
    "DESC1",
    "DESC2",
    "DESC3",
    "UOM",
)
# Column headings of TPHS that are not treatment abbreviations.
_TPHS_TREATMENT_ALIASES: Final = {"General Tariff": "GT"}
_NO_UNIT: Final = {"", "-", "N/A"}


@attrs.frozen
class TariffRow:
    """One row of a schedule: a tariff item (``suffix == ""``) or a classification under it."""

    tariff_item: str  # eight digits, no dots
    suffix: str  # "" or two digits
    description: str
    unit: str | None
    rate_texts: tuple[tuple[str, str], ...]  # (treatment, rate text), MFN first
    effective: date | None = None


def parse_tariff_code(text: str, *, path: str) -> str:
    """The digits of a tariff code written with or without dots or spaces."""
    digits = text.replace(".", "").replace(" ", "").strip()
    if not digits.isdigit() or not digits.isascii():
        raise InvalidFormat(
            "a tariff code is digits, with optional dots",
            value=text,
            path=path,
            expected="e.g. 6109.10.00.11 or 6109100011",
        )
    if len(digits) not in (2, 4, 6, 8, 10):
        raise InvalidLength(
            value=text,
            path=path,
            expected="2 (chapter), 4 (heading), 6 (subheading), 8 (tariff item) "
            "or 10 (classification) digits",
        )
    return digits


def _unit(text: str, path: str) -> str | None:
    stripped = text.strip()
    return None if stripped in _NO_UNIT else unit_code(stripped, path=path)


def read_bundled(lines: Iterable[str]) -> list[TariffRow]:
    """Rows of a CSV in carm's bundled layout."""
    reader = csv.DictReader(lines)
    _require_columns(reader.fieldnames, BUNDLED_COLUMNS)
    errors = ErrorCollector("the tariff file has errors; nothing was read")
    rows: list[TariffRow] = []
    for number, record in enumerate(reader, start=2):
        with errors.catch(path=f"line {number}"):
            rows.append(_bundled_row(record))
    errors.raise_if_any()
    return rows


def _bundled_row(record: Mapping[str, str]) -> TariffRow:
    errors = ErrorCollector("row")
    item = suffix = ""
    unit: str | None = None
    texts: list[tuple[str, str]] = []
    with errors.catch():
        item = parse_tariff_code(record["tariff_item"], path="tariff_item")
        if len(item) != 8:
            raise InvalidLength(
                value=record["tariff_item"], path="tariff_item", expected="8 digits"
            )
    with errors.catch():
        suffix = record["statistical_suffix"].strip()
        if suffix and not (len(suffix) == 2 and suffix.isdigit()):
            raise InvalidFormat(
                value=suffix, path="statistical_suffix", expected="empty or two digits"
            )
    with errors.catch():
        unit = _unit(record["unit"], "unit")
    with errors.catch():
        parse_rate(record["mfn_tariff"])
        texts.append(("MFN", record["mfn_tariff"].strip()))
    with errors.catch():
        for code, rate in parse_preferential(record["preferential_tariffs"]).items():
            texts.append((code, rate.text))
    errors.raise_if_any()
    return TariffRow(item, suffix, record["description"].strip(), unit, tuple(texts))


_DATE_FORMATS: Final = (
    "%Y-%m-%d",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%y",
    "%m/%d/%Y",
)


def _date(text: str, path: str) -> date | None:
    stripped = text.strip()
    if not stripped:
        return None
    for layout in _DATE_FORMATS:
        try:
            return datetime.strptime(stripped, layout).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise InvalidFormat(value=text, path=path, expected="a date such as 2026-09-01 or 09/01/26")


def read_tphs(lines: Iterable[str]) -> list[TariffRow]:
    """Rows of a CSV in the layout of the CBSA's TPHS table (``mdb-export FILE TPHS``)."""
    reader = csv.DictReader(lines)
    _require_columns(reader.fieldnames, ("TARIFF", "DESC1", "UOM", "MFN"))
    fields = list(reader.fieldnames or ())
    treatments = [name for name in fields if name not in TPHS_LEADING_COLUMNS]
    errors = ErrorCollector("the tariff file has errors; nothing was read")
    rows: list[TariffRow] = []
    for number, record in enumerate(reader, start=2):
        with errors.catch(path=f"line {number}"):
            rows.append(_tphs_row(record, treatments))
    errors.raise_if_any()
    return rows


def _tphs_row(record: Mapping[str, str | None], treatments: list[str]) -> TariffRow:
    errors = ErrorCollector("row")
    digits = ""
    unit: str | None = None
    effective: date | None = None
    texts: list[tuple[str, str]] = []
    with errors.catch():
        digits = parse_tariff_code(record["TARIFF"] or "", path="TARIFF")
        if len(digits) not in (8, 10):
            raise InvalidLength(value=record["TARIFF"], path="TARIFF", expected="8 or 10 digits")
    with errors.catch():
        unit = _unit(record.get("UOM") or "", "UOM")
    with errors.catch():
        effective = _date(record.get("EFF_DATE") or "", "EFF_DATE")
    for column in treatments:
        text = (record.get(column) or "").strip()
        if not text:
            continue
        with errors.catch(path=column):
            texts.append((_TPHS_TREATMENT_ALIASES.get(column, column), parse_rate(text).text))
    errors.raise_if_any()
    description = " - ".join(
        part.strip()
        for key in ("DESC1", "DESC2", "DESC3")
        if (part := record.get(key) or "").strip()
    )
    return TariffRow(digits[:8], digits[8:], description, unit, tuple(texts), effective)


def _require_columns(found: Iterable[str] | None, needed: Iterable[str]) -> None:
    present = set(found or ())
    missing = [column for column in needed if column not in present]
    if missing:
        raise InvalidFormat(
            "the file does not have the columns of a tariff layout carm reads",
            value=sorted(present),
            path="header",
            expected="columns " + ", ".join(missing),
        )


def detect_layout(header: Iterable[str]) -> str:
    """``"bundled"`` or ``"tphs"``, from a CSV header row."""
    columns = set(header)
    if set(BUNDLED_COLUMNS) <= columns:
        return "bundled"
    if {"TARIFF", "MFN"} <= columns:
        return "tphs"
    raise InvalidFormat(
        "the file is not a tariff layout carm reads",
        value=sorted(columns),
        path="header",
        expected="the bundled layout (" + ", ".join(BUNDLED_COLUMNS) + ") or the CBSA's TPHS table",
    )


def _format_code(row: TariffRow) -> str:
    item = f"{row.tariff_item[:4]}.{row.tariff_item[4:6]}.{row.tariff_item[6:]}"
    return f"{item}.{row.suffix}" if row.suffix else item


def write_tphs(rows: Iterable[TariffRow]) -> str:
    """A TPHS-layout CSV holding ``rows`` (how carm stores imported editions)."""
    materialised = list(rows)
    treatments: list[str] = []
    for row in materialised:
        for code, _ in row.rate_texts:
            if code not in treatments:
                treatments.append(code)
    aliases = {value: key for key, value in _TPHS_TREATMENT_ALIASES.items()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["TARIFF", "EFF_DATE", "DESC1", "UOM", *(aliases.get(c, c) for c in treatments)]
    )
    for row in materialised:
        texts = dict(row.rate_texts)
        writer.writerow(
            [
                _format_code(row),
                row.effective.isoformat() if row.effective else "",
                row.description,
                row.unit or "-",
                *(texts.get(code, "") for code in treatments),
            ]
        )
    return buffer.getvalue()

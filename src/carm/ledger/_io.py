"""Transactions from CSV and JSON files, with a column mapping.

Default columns: ``account, number, kind, amount, posted, release_date, relates_to, description``
(dates as ``YYYY-MM-DD``). A file whose columns are named otherwise maps them:
``columns={"number": "TransactionNumber", "posted": "AccountingDate"}``. Every row is checked and
the whole file is posted, or nothing (:meth:`Ledger.import_file`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from carm.errors import ErrorCollector, InvalidFormat
from carm.ledger._model import Transaction

__all__ = ["COLUMNS", "read_transactions", "transactions_from_rows"]

COLUMNS: Final = (
    "account",
    "number",
    "kind",
    "amount",
    "posted",
    "release_date",
    "relates_to",
    "description",
)
_REQUIRED: Final = ("account", "number", "kind", "amount", "posted")


def _date(value: object, path: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidFormat(value=value, path=path, expected="a date as YYYY-MM-DD") from None


def transactions_from_rows(
    rows: Iterable[Mapping[str, Any]], columns: Mapping[str, str] | None = None
) -> list[Transaction]:
    """:class:`Transaction` objects from mappings, reading each field from its mapped column."""
    names = {field: (columns or {}).get(field, field) for field in COLUMNS}
    errors = ErrorCollector("the rows are not transactions; nothing was read")
    found = []
    for index, row in enumerate(rows):
        path = f"rows[{index}]"
        missing = [f for f in _REQUIRED if row.get(names[f]) in (None, "")]
        for field in missing:
            errors.add(InvalidFormat("is required", value=None, path=f"{path}.{field}"))
        if missing:
            continue
        try:
            posted = _date(row[names["posted"]], "posted")
            released = _date(row.get(names["release_date"]), "release_date")
        except InvalidFormat as error:
            errors.add(error, path=path)
            continue
        assert posted is not None
        found.append(
            Transaction(
                account=str(row[names["account"]]),
                number=str(row[names["number"]]),
                kind=str(row[names["kind"]]),
                amount=row[names["amount"]],
                posted=posted,
                release_date=released,
                relates_to=row.get(names["relates_to"]) or None,
                description=str(row.get(names["description"]) or ""),
            )
        )
    errors.raise_if_any()
    return found


def read_transactions(
    path: str | Path, columns: Mapping[str, str] | None = None
) -> list[Transaction]:
    """Transactions from a CSV (header row) or JSON (list of objects) file."""
    return transactions_from_rows(read_records(path), columns)


def read_records(path: str | Path) -> list[Any]:
    """The rows of a CSV file (header row) or a JSON file (a list of objects), as they are."""
    source = Path(path)
    text = source.read_text(encoding="utf-8-sig")
    if source.suffix.lower() == ".json":
        data = json.loads(text, parse_float=Decimal)
        if not isinstance(data, list):
            raise InvalidFormat("is not a list of rows", value=source.name, path="file")
        return data
    return list(csv.DictReader(io.StringIO(text)))

"""Reconciliation: a CBSA statement (or daily notices) against the importer's own books.

Rows are matched by transaction number. Each number ends in exactly one category: matched (same
amount), an amount difference, only in the statement, only in the books, or duplicated within one
side (a duplicate is not matched: which copy would be right is the question to ask).

>>> rec = reconcile(
...     [{"number": "A", "amount": "10.00"}, {"number": "B", "amount": "5.00"}],
...     [{"number": "A", "amount": "10.00"}, {"number": "B", "amount": "4.50"}, {"number": "C", "amount": "1"}],
... )
>>> rec.summary["matched"], rec.summary["amount_differences"], rec.summary["only_in_books"]
(1, 1, 1)
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

import attrs

from carm.errors import ErrorCollector, InvalidFormat, InvalidType
from carm.ledger._model import Transaction

__all__ = ["AmountDifference", "Duplicate", "Reconciliation", "read_rows", "reconcile"]

_ZERO: Final = Decimal("0.00")
_CENT: Final = Decimal("0.01")


@attrs.frozen
class AmountDifference:
    number: str
    statement_amount: Decimal
    book_amount: Decimal

    @property
    def difference(self) -> Decimal:
        """Statement minus books: positive when the CBSA charges more than the books show."""
        return self.statement_amount - self.book_amount


@attrs.frozen
class Duplicate:
    side: str  # "statement" or "books"
    number: str
    amounts: tuple[Decimal, ...]


@attrs.frozen
class Reconciliation:
    matched: tuple[tuple[str, Decimal], ...]
    amount_differences: tuple[AmountDifference, ...]
    only_in_statement: tuple[tuple[str, Decimal], ...]
    only_in_books: tuple[tuple[str, Decimal], ...]
    duplicates: tuple[Duplicate, ...]
    statement_total: Decimal
    book_total: Decimal

    @property
    def summary(self) -> dict[str, Any]:
        """Counts per category and the totals of both sides."""
        return {
            "matched": len(self.matched),
            "amount_differences": len(self.amount_differences),
            "only_in_statement": len(self.only_in_statement),
            "only_in_books": len(self.only_in_books),
            "duplicates": len(self.duplicates),
            "statement_total": self.statement_total,
            "book_total": self.book_total,
            "difference": self.statement_total - self.book_total,
        }

    @property
    def balanced(self) -> bool:
        return not (
            self.amount_differences
            or self.only_in_statement
            or self.only_in_books
            or self.duplicates
        )

    def rows(self) -> Iterable[dict[str, str]]:
        """One row per number: category, number, statement amount, book amount, difference."""
        for number, amount in self.matched:
            yield {
                "category": "matched",
                "number": number,
                "statement_amount": str(amount),
                "book_amount": str(amount),
                "difference": "0.00",
            }
        for item in self.amount_differences:
            yield {
                "category": "amount difference",
                "number": item.number,
                "statement_amount": str(item.statement_amount),
                "book_amount": str(item.book_amount),
                "difference": str(item.difference),
            }
        for number, amount in self.only_in_statement:
            yield {
                "category": "only in statement",
                "number": number,
                "statement_amount": str(amount),
                "book_amount": "",
                "difference": str(amount),
            }
        for number, amount in self.only_in_books:
            yield {
                "category": "only in books",
                "number": number,
                "statement_amount": "",
                "book_amount": str(amount),
                "difference": str(-amount),
            }
        for dup in self.duplicates:
            column = "statement_amount" if dup.side == "statement" else "book_amount"
            row = {
                "category": f"duplicate in {dup.side}",
                "number": dup.number,
                "statement_amount": "",
                "book_amount": "",
                "difference": "",
            }
            row[column] = " ".join(str(a) for a in dup.amounts)
            yield row

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer,
            fieldnames=["category", "number", "statement_amount", "book_amount", "difference"],
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(self.rows())
        return buffer.getvalue()

    def to_dict(self) -> dict[str, Any]:
        summary = {k: str(v) if isinstance(v, Decimal) else v for k, v in self.summary.items()}
        return {"summary": summary, "rows": list(self.rows())}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self, *, limit: int = 20) -> str:
        s = self.summary
        lines = [
            "Reconciliation of the statement against the books",
            f"  statement total {s['statement_total']:>16}    books total {s['book_total']:>16}    difference {s['difference']:>14}",
            f"  matched {s['matched']:,}; amount differences {s['amount_differences']:,}; only in statement {s['only_in_statement']:,}; only in books {s['only_in_books']:,}; duplicates {s['duplicates']:,}",
        ]
        sections = [
            (
                "Amount differences",
                [
                    f"{d.number:<20} statement {d.statement_amount:>12}  books {d.book_amount:>12}  difference {d.difference:>12}"
                    for d in self.amount_differences
                ],
            ),
            ("Only in the statement", [f"{n:<20} {a:>12}" for n, a in self.only_in_statement]),
            ("Only in the books", [f"{n:<20} {a:>12}" for n, a in self.only_in_books]),
            (
                "Duplicates",
                [
                    f"{d.number:<20} {d.side}: {', '.join(str(a) for a in d.amounts)}"
                    for d in self.duplicates
                ],
            ),
        ]
        for title, items in sections:
            if items:
                lines.append(f"{title} ({len(items):,})")
                lines.extend(f"  {item}" for item in items[:limit])
                if len(items) > limit:
                    lines.append(f"  ... and {len(items) - limit:,} more (see the CSV or JSON)")
        return "\n".join(lines)


def _normalise(rows: Iterable[Any], side: str, errors: ErrorCollector) -> dict[str, list[Decimal]]:
    found: dict[str, list[Decimal]] = {}
    for index, row in enumerate(rows):
        number: object
        raw: object
        if isinstance(row, Transaction):
            number, raw = row.number, row.amount
        elif isinstance(row, Mapping):
            number, raw = row.get("number"), row.get("amount")
        else:
            errors.add(
                InvalidType(
                    value=row, path=f"{side}[{index}]", expected="a Transaction or a mapping"
                )
            )
            continue
        if not isinstance(number, str) or not number.strip():
            errors.add(
                InvalidFormat(
                    "needs a transaction number", value=number, path=f"{side}[{index}].number"
                )
            )
            continue
        try:
            amount = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
            if not amount.is_finite() or isinstance(raw, float):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.add(
                InvalidFormat(
                    "is not an amount",
                    value=raw,
                    path=f"{side}[{index}].amount",
                    expected="e.g. 1234.50",
                )
            )
            continue
        if amount != amount.quantize(_CENT):
            errors.add(
                InvalidFormat(
                    "has more than two decimals", value=raw, path=f"{side}[{index}].amount"
                )
            )
            continue
        found.setdefault(number.strip(), []).append(amount)
    return found


def reconcile(statement_rows: Iterable[Any], book_rows: Iterable[Any]) -> Reconciliation:
    """Match statement rows with book rows by transaction number (see the module docstring).

    Rows are :class:`~carm.ledger.Transaction` objects or mappings with at least ``number`` and
    ``amount``; every bad row is reported at once, with its side and index.
    """
    errors = ErrorCollector("the rows cannot be reconciled")
    statement = _normalise(statement_rows, "statement", errors)
    books = _normalise(book_rows, "books", errors)
    errors.raise_if_any()
    matched: list[tuple[str, Decimal]] = []
    differences: list[AmountDifference] = []
    only_statement: list[tuple[str, Decimal]] = []
    duplicates: list[Duplicate] = []
    for number, amounts in statement.items():
        if len(amounts) > 1:
            duplicates.append(Duplicate("statement", number, tuple(amounts)))
            continue
        other = books.get(number)
        if other is None:
            only_statement.append((number, amounts[0]))
        elif len(other) == 1:
            if other[0] == amounts[0]:
                matched.append((number, amounts[0]))
            else:
                differences.append(AmountDifference(number, amounts[0], other[0]))
    only_books: list[tuple[str, Decimal]] = []
    for number, amounts in books.items():
        if len(amounts) > 1:
            duplicates.append(Duplicate("books", number, tuple(amounts)))
        elif number not in statement:
            only_books.append((number, amounts[0]))
    return Reconciliation(
        tuple(matched),
        tuple(differences),
        tuple(only_statement),
        tuple(only_books),
        tuple(duplicates),
        sum((a for amounts in statement.values() for a in amounts), _ZERO),
        sum((a for amounts in books.values() for a in amounts), _ZERO),
    )


def read_rows(
    path: str | Path, *, number: str = "number", amount: str = "amount"
) -> list[dict[str, Any]]:
    """Rows from a CSV or JSON file, taking ``number`` and ``amount`` from the named columns.

    JSON is a list of objects; CSV has a header row. Other columns are kept as they are.
    """
    source = Path(path)
    text = source.read_text(encoding="utf-8-sig")
    if source.suffix.lower() == ".json":
        data = json.loads(text, parse_float=Decimal)
        if not isinstance(data, list):
            raise InvalidFormat("is not a list of rows", value=source.name, path="file")
        records = data
    else:
        records = list(csv.DictReader(io.StringIO(text)))
    missing = [c for c in (number, amount) if records and c not in records[0]]
    if missing:
        raise InvalidFormat(
            "lacks the columns named", value=sorted(records[0]), path="file",
            expected="columns " + ", ".join(missing) + " (see --number-column, --amount-column)",
        )  # fmt: skip
    return [{**r, "number": r[number], "amount": r[amount]} for r in records]

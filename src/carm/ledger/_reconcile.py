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

import collections
import csv
import gc
import io
import itertools
import json
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from carm.errors import ErrorCollector, InvalidFormat, InvalidType
from carm.ledger._model import Transaction
from carm.ledger._pairs import Pairs
from carm.ledger._sorted import SortedMatch, match_sorted

__all__ = [
    "AmountDifference",
    "Duplicate",
    "Reconciliation",
    "reconcile",
]

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
    matched_cents: Sequence[tuple[str, int]] = attrs.field(repr=False)  # in statement order
    amount_differences: tuple[AmountDifference, ...]
    only_in_statement: tuple[tuple[str, Decimal], ...]
    only_in_books: tuple[tuple[str, Decimal], ...]
    duplicates: tuple[Duplicate, ...]
    statement_total: Decimal
    book_total: Decimal

    @property
    def matched(self) -> tuple[tuple[str, Decimal], ...]:
        """Numbers found on both sides with the same amount."""
        return tuple((number, _money(cents)) for number, cents in self.matched_cents)

    @property
    def summary(self) -> dict[str, Any]:
        """Counts per category and the totals of both sides."""
        return {
            "matched": len(self.matched_cents),
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


def _cents(raw: object) -> int:
    """Exact cents of an amount; the common ``"123.45"`` form without building a Decimal."""
    if type(raw) is str:
        text = raw.strip()
        if len(text) > 3 and text[-3] == "." and text[-2:].isdigit():
            head = text[:-3]
            if head.isdigit() or (head[:1] == "-" and head[1:].isdigit()):
                return int(head + text[-2:])
        raw = text
    if isinstance(raw, float | bool):
        raise InvalidOperation
    amount = raw if isinstance(raw, Decimal) else Decimal(str(raw))
    if not amount.is_finite():
        raise InvalidOperation
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError("more than two decimals")
    return int(cents)


_AMOUNT_BYTES: Final = b"0123456789.-\n"
_DIGITS_AS_NINES: Final = bytes.maketrans(b"012345678", b"999999999")


def _clean_numbers(numbers: list[str]) -> bool:
    # None empty or edged with white space (what the row path would strip); strip() returns the
    # very same string when there is nothing to strip, so the comparison is by identity.
    return all(numbers) and list(map(str.strip, numbers)) == numbers


def _clean_amounts(count: int, text: str) -> bool:
    """Whether ``text`` is ``count`` lines like "123.45" or "-0.50", each ending in a line break.

    In bytes, whole-text operations only: nothing but digits, ".", "-" and line breaks; a "-"
    only first on its line; as many "." as lines, and as many lines ending in "." and two digits.
    """
    try:
        data = text.encode("ascii")
    except UnicodeEncodeError:
        return False
    if data.translate(None, _AMOUNT_BYTES) or data.count(b".") != count:
        return False
    if data.count(b"-") != (b"\n" + data).count(b"\n-"):
        return False
    return data.translate(_DIGITS_AS_NINES).count(b".99\n") == count


def clean_columns(rows: Any) -> tuple[list[str], str] | None:
    """A side's numbers, and its amounts as one text of ``"123.45"`` lines, when it is a list of
    ``(str, "123.45")`` pairs (or :class:`Pairs`); None otherwise, or in doubt.

    Whole-column operations check every amount; the numbers are checked by the path that takes
    them (:func:`_bulk` wants them stripped, :func:`match_sorted` equal-length digits). Anything
    else goes row by row, with precise errors.
    """
    if isinstance(rows, Pairs):
        numbers, amounts = list(rows.numbers), list(rows.amounts)
    elif type(rows) is list and rows:
        if set(map(type, rows)) != {tuple} or set(map(len, rows)) != {2}:
            return None
        numbers = list(map(operator.itemgetter(0), rows))
        amounts = list(map(operator.itemgetter(1), rows))
    else:
        return None
    if not numbers:
        return None
    try:
        amount_text = "\n".join(amounts) + "\n"
    except TypeError:
        return None
    if set(map(type, numbers)) != {str} or not _clean_amounts(len(amounts), amount_text):
        return None
    return numbers, amount_text


def _bulk(
    numbers: list[str], amount_text: str
) -> tuple[dict[str, int], dict[str, list[int]]] | None:
    """Cents per number and the repeated numbers, at C speed, from :func:`clean_columns`; None
    when a number is empty or edged with white space."""
    if not _clean_numbers(numbers):
        return None
    cents = list(map(int, amount_text.replace(".", "").split()))
    single = dict(zip(numbers, cents, strict=True))
    repeated: dict[str, list[int]] = {}
    if len(single) != len(numbers):
        # The numbers counted more than once, found and gathered without a loop over every row.
        counts = collections.Counter(numbers)
        repeating = set(itertools.compress(counts, map((1).__lt__, counts.values())))
        rows = zip(numbers, cents, strict=True)
        for number, cent in itertools.compress(rows, map(repeating.__contains__, numbers)):
            repeated.setdefault(number, []).append(cent)
        for number in repeated:
            del single[number]
    return single, repeated


def _normalise(
    rows: Iterable[Any], side: str, errors: ErrorCollector
) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Cents per number, and the numbers that appear more than once with all their cents."""
    single: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        number: object
        raw: object
        if type(row) is tuple and len(row) == 2:
            number, raw = row
            # The common case, inline: a clean number and "123.45".
            if (
                type(number) is str
                and type(raw) is str
                and number
                and not number[0].isspace()
                and not number[-1].isspace()
            ):
                head, dot, tail = raw.rpartition(".")
                if (
                    dot
                    and len(tail) == 2
                    and tail.isdigit()
                    and (head.isdigit() or (head[:1] == "-" and head[1:].isdigit()))
                ):
                    cents = int(head + tail)
                    if number in repeated:
                        repeated[number].append(cents)
                    elif number in single:
                        repeated[number] = [single[number], cents]
                    else:
                        single[number] = cents
                    continue
        elif isinstance(row, Transaction):
            number, raw = row.number, row.amount
        elif isinstance(row, Mapping):
            number, raw = row.get("number"), row.get("amount")
        else:
            errors.add(
                InvalidType(
                    value=row,
                    path=f"{side}[{index}]",
                    expected="a Transaction, a mapping or a (number, amount) pair",
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
            cents = _cents(raw)
        except ValueError:
            errors.add(
                InvalidFormat(
                    "has more than two decimals", value=raw, path=f"{side}[{index}].amount"
                )
            )
            continue
        except (InvalidOperation, TypeError):
            errors.add(
                InvalidFormat(
                    "is not an amount",
                    value=raw,
                    path=f"{side}[{index}].amount",
                    expected="e.g. 1234.50",
                )
            )
            continue
        number = number.strip()
        if number in repeated:
            repeated[number].append(cents)
        elif number in single:
            repeated[number] = [single[number], cents]
        else:
            single[number] = cents
    if repeated:
        # Repeated numbers stay in ``single`` until here so that they are listed, as on every
        # path, in the order they first appear.
        repeated = {number: repeated[number] for number in single if number in repeated}
        for number in repeated:
            del single[number]
    return single, repeated


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def reconcile(statement_rows: Iterable[Any], book_rows: Iterable[Any]) -> Reconciliation:
    """Match statement rows with book rows by transaction number (see the module docstring).

    Rows are :class:`~carm.ledger.Transaction` objects, mappings with at least ``number`` and
    ``amount``, or ``(number, amount)`` pairs; every bad row is reported at once, with its side
    and index. Amounts are compared exactly, in cents.
    """
    statement_columns, book_columns = clean_columns(statement_rows), clean_columns(book_rows)
    if statement_columns and book_columns:
        found = match_sorted(statement_columns, book_columns)
        if found is not None:
            return _from_sorted(found, statement_columns[0], book_columns[0])
    errors = ErrorCollector("the rows cannot be reconciled")
    statement, statement_repeated = (statement_columns and _bulk(*statement_columns)) or _normalise(
        statement_rows, "statement", errors
    )
    books, books_repeated = (book_columns and _bulk(*book_columns)) or _normalise(
        book_rows, "books", errors
    )
    errors.raise_if_any()
    # Whole columns at a time: the books' cents beside the statement's, equal or not.
    numbers, cents = list(statement), list(statement.values())
    others = list(map(books.get, numbers))
    same = list(map(operator.eq, cents, others))
    matched = Pairs(list(itertools.compress(numbers, same)), list(itertools.compress(cents, same)))
    differences: list[AmountDifference] = []
    only_statement: list[tuple[str, Decimal]] = []
    unequal = zip(numbers, cents, others, strict=True)
    for number, amount, other in itertools.compress(unequal, map(operator.not_, same)):
        if other is not None:
            differences.append(AmountDifference(number, _money(amount), _money(other)))
        elif number not in books_repeated:
            only_statement.append((number, _money(amount)))
    only_books = [
        (number, _money(books[number]))
        for number in itertools.filterfalse(statement.__contains__, books)
        if number not in statement_repeated
    ]
    duplicates = [
        Duplicate("statement", n, tuple(map(_money, c))) for n, c in statement_repeated.items()
    ]
    duplicates += [Duplicate("books", n, tuple(map(_money, c))) for n, c in books_repeated.items()]
    total_statement = sum(statement.values()) + sum(sum(c) for c in statement_repeated.values())
    total_books = sum(books.values()) + sum(sum(c) for c in books_repeated.values())
    return Reconciliation(
        matched,
        tuple(differences),
        tuple(only_statement),
        tuple(only_books),
        tuple(duplicates),
        _money(total_statement),
        _money(total_books),
    )


def _numbered(numbers: list[str], cents: Any, rows: Any) -> Iterator[tuple[str, int]]:
    """(number, cents) of each row in ``rows`` (NumPy row indices), in their order."""
    return zip(map(numbers.__getitem__, rows.tolist()), cents[rows].tolist(), strict=True)


def _priced(numbers: list[str], cents: Any, rows: Any) -> tuple[tuple[str, Decimal], ...]:
    """(number, amount) of each row in ``rows``, in their order."""
    return tuple((number, _money(each)) for number, each in _numbered(numbers, cents, rows))


def _from_sorted(found: SortedMatch, statement: list[str], books: list[str]) -> Reconciliation:
    """The reconciliation of :func:`match_sorted`'s row indices (small categories row by row)."""
    import numpy as np

    statement_cents, book_cents = found.statement_cents, found.book_cents
    # Objects are made here beside millions of live rows: with the collector on, its passes
    # over them cost more than the objects (0.3 s for 10,000 differences).
    collecting = gc.isenabled()
    gc.disable()
    try:
        differences = [
            AmountDifference(number, _money(cents), _money(other))
            for (number, cents), other in zip(
                _numbered(statement, statement_cents, found.differences),
                found.difference_book_cents.tolist(),
                strict=True,
            )
        ]
        duplicates = []
        for side, numbers, all_cents, rows in (
            ("statement", statement, statement_cents, found.statement_repeated),
            ("books", books, book_cents, found.books_repeated),
        ):
            repeated: dict[str, list[int]] = {}
            for number, cents in _numbered(numbers, all_cents, rows):
                repeated.setdefault(number, []).append(cents)
            duplicates += [Duplicate(side, n, tuple(map(_money, c))) for n, c in repeated.items()]
        only_statement = _priced(statement, statement_cents, found.only_in_statement)
        only_books = _priced(books, book_cents, found.only_in_books)
    finally:
        if collecting:
            gc.enable()
    chosen = np.zeros(len(statement), dtype=bool)
    chosen[found.matched] = True
    return Reconciliation(
        Pairs(
            list(itertools.compress(statement, chosen.tolist())),
            statement_cents[found.matched].tolist(),
        ),
        tuple(differences),
        only_statement,
        only_books,
        tuple(duplicates),
        _money(int(statement_cents.sum())),
        _money(int(book_cents.sum())),
    )

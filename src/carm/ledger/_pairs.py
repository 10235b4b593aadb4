"""One side of a reconciliation as two columns, transaction numbers and amounts, read from a file.

Holding a million rows as two lists of strings rather than a million ``(number, amount)``
tuples is what lets :func:`~carm.ledger.reconcile` work on whole columns at C speed; a
:class:`Pairs` is still a sequence of ``(number, amount)`` tuples to anything else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final, overload

from carm.errors import ErrorCollector, InvalidFormat
from carm.ledger._io import read_records

__all__ = ["Pairs", "read_pairs", "read_rows"]


class Pairs(Sequence[tuple[str, Any]]):
    """``(number, amount)`` pairs held as two columns of the same length."""

    __slots__ = ("amounts", "numbers")

    def __init__(self, numbers: Sequence[str], amounts: Sequence[Any]) -> None:
        if len(numbers) != len(amounts):
            raise InvalidFormat(
                "the columns differ in length",
                value=f"{len(numbers)} numbers, {len(amounts)} amounts",
                path="amounts",
            )
        self.numbers, self.amounts = numbers, amounts

    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, index: int) -> tuple[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> Pairs: ...
    def __getitem__(self, index: int | slice) -> tuple[str, Any] | Pairs:
        if isinstance(index, slice):
            return Pairs(self.numbers[index], self.amounts[index])
        return self.numbers[index], self.amounts[index]

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return zip(self.numbers, self.amounts, strict=True)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable columns

    def __repr__(self) -> str:
        shown = ", ".join(map(repr, self[:3]))
        return f"Pairs([{shown}{', ...' if len(self) > 3 else ''}], {len(self):,} rows)"


def _columns(header: list[str], number: str, amount: str) -> tuple[int, int]:
    missing = [c for c in (number, amount) if c not in header]
    if missing:
        raise InvalidFormat(
            "lacks the columns named", value=header, path="file",
            expected="columns " + ", ".join(missing) + " (see --number-column, --amount-column)",
        )  # fmt: skip
    return header.index(number), header.index(amount)


_NOT_SEPARATORS: Final = bytes(b for b in range(256) if b not in b",\n")


def _plain_csv(text: str, number: str, amount: str) -> Pairs | None:
    """The columns of a CSV file without quotes, by splitting the whole text; None if it has quotes.

    Without quotes a CSV row is its line split at commas (the csv module agrees). When the commas
    and line breaks alone, in order, are exactly ``width - 1`` commas then a line break, line after
    line, every row has the header's width, and the cells of the whole body are the columns
    interleaved. (In UTF-8 no other character holds the bytes of "," or a line break.)
    """
    if '"' in text:
        return None
    text = text.replace("\r\n", "\n")
    if "\r" in text:
        return None  # old Mac line ends: the csv module's business
    first, _, body = text.partition("\n")
    header = first.split(",")
    n, a = _columns(header, number, amount)
    if "\n\n" in body or body.startswith("\n"):
        body = "\n".join(filter(None, body.split("\n")))  # blank lines are no rows
    body = body.removesuffix("\n")
    if not body:
        return Pairs([], [])
    width = len(header)
    row = b"," * (width - 1) + b"\n"
    separators = body.encode("utf-8", "surrogatepass").translate(None, _NOT_SEPARATORS)
    if separators + b"\n" != row * (body.count("\n") + 1):
        return None  # ragged rows: the row-by-row reader says which
    cells = body.replace("\n", ",").split(",")
    return Pairs(cells[n::width], cells[a::width])


def read_pairs(path: str | Path, *, number: str = "number", amount: str = "amount") -> Pairs:
    """The ``(number, amount)`` columns of a CSV or JSON file: the fast input of ``reconcile``.

    CSV has a header row; JSON is a list of objects. Rows without the two columns are reported
    all at once, with their line (CSV) or index (JSON).
    """
    source = Path(path)
    if source.suffix.lower() == ".json":
        rows = read_rows(source, number=number, amount=amount)
        return Pairs([r["number"] for r in rows], [r["amount"] for r in rows])
    text = source.read_bytes().decode("utf-8-sig")  # line ends as they are, as CSV wants
    plain = _plain_csv(text, number, amount)
    if plain is not None:
        return plain
    reader = csv.reader(io.StringIO(text, newline=""))
    n, a = _columns(next(reader, []), number, amount)
    needed = max(n, a) + 1
    numbers, amounts = [], []
    errors = ErrorCollector(f"{source.name} has rows without the columns named")
    for row in reader:
        if not row:
            continue
        if len(row) < needed:
            errors.add(
                InvalidFormat(
                    f"needs at least {needed} fields, has {len(row)}",
                    value=",".join(row),
                    path=f"line {reader.line_num}",
                )
            )
            continue
        numbers.append(row[n])
        amounts.append(row[a])
    errors.raise_if_any()
    return Pairs(numbers, amounts)


def read_rows(
    path: str | Path, *, number: str = "number", amount: str = "amount"
) -> list[dict[str, Any]]:
    """Rows from a CSV or JSON file, taking ``number`` and ``amount`` from the named columns.

    JSON is a list of objects; CSV has a header row. Other columns are kept as they are; rows
    without the two columns are reported all at once.
    """
    records = read_records(path)
    if records and isinstance(records[0], dict):
        _columns(sorted(records[0]), number, amount)
    errors = ErrorCollector(f"{Path(path).name} has rows without the columns named")
    for index, record in enumerate(records):
        for column in (number, amount):
            if not isinstance(record, dict) or record.get(column) is None:
                errors.add(InvalidFormat("is missing", value=None, path=f"[{index}].{column}"))
    errors.raise_if_any()
    return [{**r, "number": r[number], "amount": r[amount]} for r in records]

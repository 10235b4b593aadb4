"""Matching two clean sides of a reconciliation by sorting, with NumPy, when it is installed.

A million-row side costs the dictionary path about a second (building a dict of a million
numbers and a list of a million ints, counting repeats); here each side is a NumPy array of
integer keys, sorted once, and every question (repeated? on the other side? same cents?) is a
whole-array operation. It applies when every transaction number is made of ASCII digits and all
have the same length (at most 18: they fit an int64, and equal lengths keep "0012" apart from
"12"), as CBSA transaction numbers (14 digits) do; otherwise, or without NumPy, the caller keeps
to the dictionary path. Both give the same result, in the same order (a property test holds them
together).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, NamedTuple

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Rows = npt.NDArray[np.intp]

__all__ = ["SortedMatch", "match_sorted"]

_MAX_DIGITS: Final = 18
_MAX_AMOUNT_CHARACTERS: Final = 13  # |cents| < 10**11: a million rows sum well inside an int64


class SortedMatch(NamedTuple):
    """Row indices per category (statement order, or books order for ``only_in_books``)."""

    statement_cents: Any  # int64 per statement row
    book_cents: Any
    matched: Rows
    differences: Rows  # statement rows whose number the books hold once, at other cents
    difference_book_cents: Any
    only_in_statement: Rows
    only_in_books: Rows
    statement_repeated: Rows  # every row of a number the statement holds more than once
    books_repeated: Rows


_NOT_DIGITS: Final = bytes(b for b in range(256) if not 48 <= b <= 57)


def _keys(numbers: list[str]) -> Any:
    import numpy as np

    width = len(numbers[0])
    if not 0 < width <= _MAX_DIGITS or set(map(len, numbers)) != {width}:
        return None  # too long, or lengths differ (a total alone would not tell "88" "7" "999")
    try:
        joined = "".join(numbers).encode("ascii")
    except UnicodeEncodeError:
        return None
    if len(joined.translate(None, _NOT_DIGITS)) != len(joined):
        return None
    digits = np.frombuffer(joined, dtype=np.uint8).reshape(len(numbers), width)
    keys = np.zeros(len(numbers), dtype=np.int64)
    for column in range(width):
        keys = keys * 10 + (digits[:, column] - 48)
    return keys


def _cents(amount_text: str) -> Any:
    """The int64 cents of :func:`clean_columns`' amount lines ("123.45\\n" each)."""
    import numpy as np

    data = np.frombuffer(amount_text.encode("ascii"), dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    if int(np.diff(ends, prepend=-1).max()) - 1 > _MAX_AMOUNT_CHARACTERS:
        return None
    return np.fromstring(amount_text.replace(".", ""), dtype=np.int64, sep="\n")


class _Side:
    """One side's keys sorted once: which rows repeat a number, and its single numbers sorted."""

    def __init__(self, keys: Any) -> None:
        import numpy as np

        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, len(keys)])
        repeated_sorted = np.repeat(sizes > 1, sizes)
        self.repeated = np.zeros(len(keys), dtype=bool)
        self.repeated[order] = repeated_sorted
        self.single_keys = ordered[~repeated_sorted]
        self.single_rows = order[~repeated_sorted]
        self.repeated_keys = ordered[starts[sizes > 1]]


def _find(sorted_keys: Any, keys: Any) -> tuple[Any, Any]:
    """Which ``keys`` are in ``sorted_keys``, and where (a valid index even where not found)."""
    import numpy as np

    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.intp)
    inside = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[inside] == keys, inside


def match_sorted(
    statement: tuple[list[str], str], books: tuple[list[str], str]
) -> SortedMatch | None:
    """The categories of every row, from two sides' clean columns; None when this path does not
    apply (no NumPy, numbers not equal-length digits, amounts too long)."""
    try:
        import numpy as np
    except ImportError:
        return None
    statement_keys, book_keys = _keys(statement[0]), _keys(books[0])
    if statement_keys is None or book_keys is None or len(statement[0][0]) != len(books[0][0]):
        return None
    statement_cents, book_cents = _cents(statement[1]), _cents(books[1])
    if statement_cents is None or book_cents is None:
        return None
    ours, theirs = _Side(statement_keys), _Side(book_keys)

    rows = np.flatnonzero(~ours.repeated)  # statement order
    found, position = _find(theirs.single_keys, statement_keys[rows])
    other = book_cents[theirs.single_rows[position]] if found.any() else np.zeros_like(rows)
    same = found & (other == statement_cents[rows])
    differ = found & ~same
    elsewhere, _ = _find(theirs.repeated_keys, statement_keys[rows])

    book_rows = np.flatnonzero(~theirs.repeated)
    in_statement, _ = _find(ours.single_keys, book_keys[book_rows])
    repeated_in_statement, _ = _find(ours.repeated_keys, book_keys[book_rows])
    return SortedMatch(
        statement_cents=statement_cents,
        book_cents=book_cents,
        matched=rows[same],
        differences=rows[differ],
        difference_book_cents=other[differ],
        only_in_statement=rows[~found & ~elsewhere],
        only_in_books=book_rows[~in_statement & ~repeated_in_statement],
        statement_repeated=np.flatnonzero(ours.repeated),
        books_repeated=np.flatnonzero(theirs.repeated),
    )

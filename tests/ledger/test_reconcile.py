import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.errors import InvalidFormat, ValidationErrors
from carm.ledger import Transaction, read_pairs, read_rows, reconcile

D = Decimal


def rows(*pairs: tuple[object, str]) -> list[dict[str, object]]:
    return [{"number": n, "amount": a} for n, a in pairs]


def test_every_kind_of_difference() -> None:
    statement = rows(
        ("A", "100.00"), ("B", "50.00"), ("C", "7.00"), ("D", "1.00"), ("D", "1.00"), ("E", "3.00")
    )
    books = rows(
        ("A", "100.00"), ("B", "45.00"), ("F", "9.99"), ("E", "3.00"), ("E", "-3.00"), ("D", "1.00")
    )
    rec = reconcile(statement, books)
    assert rec.matched == (("A", D("100.00")),)
    assert [
        (d.number, d.statement_amount, d.book_amount, d.difference) for d in rec.amount_differences
    ] == [("B", D("50.00"), D("45.00"), D("5.00"))]
    assert rec.only_in_statement == (("C", D("7.00")),)
    assert rec.only_in_books == (("F", D("9.99")),)
    assert [(d.side, d.number, d.amounts) for d in rec.duplicates] == [
        ("statement", "D", (D("1.00"), D("1.00"))),
        ("books", "E", (D("3.00"), D("-3.00"))),
    ]
    assert rec.summary == {
        "matched": 1,
        "amount_differences": 1,
        "only_in_statement": 1,
        "only_in_books": 1,
        "duplicates": 2,
        "statement_total": D("162.00"),
        "book_total": D("155.99"),
        "difference": D("6.01"),
    }
    assert not rec.balanced
    csv_lines = rec.to_csv().splitlines()
    assert csv_lines[0] == "category,number,statement_amount,book_amount,difference"
    assert "amount difference,B,50.00,45.00,5.00" in csv_lines
    assert json.loads(rec.to_json())["summary"]["difference"] == "6.01"
    assert "Only in the statement (1)" in rec.to_text()


def test_transactions_and_mappings_mix() -> None:
    tx = Transaction("123026635RM0001", "A", "AMPS", D("150.00"), date(2026, 3, 2))
    rec = reconcile([tx], [{"number": "A", "amount": "150"}])
    assert rec.balanced
    assert rec.matched == (("A", D("150.00")),)


def test_bad_rows_are_all_reported() -> None:
    with pytest.raises(ValidationErrors) as caught:
        reconcile(
            rows(("A", "1.001"), ("", "2")),
            [{"number": "B", "amount": "x"}, 5, {"number": "C", "amount": 1.5}],
        )
    assert caught.value.paths == (
        "statement[0].amount",
        "statement[1].number",
        "books[0].amount",
        "books[1]",
        "books[2].amount",
    )


def test_read_rows_with_a_column_mapping(tmp_path: Path) -> None:
    csv_file = tmp_path / "soa.csv"
    csv_file.write_text(
        "TransactionNumber,Amount,Kind\n12345000000421,200.00,CAD\n", encoding="utf-8"
    )
    assert read_rows(csv_file, number="TransactionNumber", amount="Amount") == [
        {
            "TransactionNumber": "12345000000421",
            "Amount": "200.00",
            "Kind": "CAD",
            "number": "12345000000421",
            "amount": "200.00",
        }
    ]
    json_file = tmp_path / "books.json"
    json_file.write_text('[{"ref": "12345000000421", "total": 200.00}]', encoding="utf-8")
    (row,) = read_rows(json_file, number="ref", amount="total")
    assert row["amount"] == D("200.00")
    with pytest.raises(InvalidFormat, match="lacks the columns named"):
        read_rows(csv_file)


_NUMBERS = st.sampled_from(
    [5, "A\nB", "A", "B", "C", " C", "D\n", "", "\u3000E", "E", "12345000000427"]
)
_AMOUNTS = st.one_of(
    st.from_regex(r"-?[0-9]{1,4}\.[0-9]{2}", fullmatch=True),
    st.sampled_from(["1.2.34", "5", "-", "--1.00", "1-0.00", " 1.00", "1.00 ", "1,00", "0.5"]),
    st.sampled_from([".50", "-.50", "1.00\n", "٣.00", "1e2", "NaN"]),
)


def _two_sides(numbers: st.SearchStrategy[Any], amounts: st.SearchStrategy[str], most: int) -> Any:
    """Hypothesis draws a statement and books, each a list of (number, amount) pairs."""
    side = st.lists(st.tuples(numbers, amounts), min_size=1, max_size=most)
    return given(side, side)


@_two_sides(_NUMBERS, _AMOUNTS, most=8)
def test_pairs_at_once_agree_with_rows_one_by_one(
    statement: list[tuple[object, str]], books: list[tuple[object, str]]
) -> None:
    # Lists of string pairs take the whole-column path; mappings go row by row.
    def outcome(s: object, b: object) -> object:
        try:
            return reconcile(s, b)  # type: ignore[arg-type]
        except ValidationErrors as error:
            return error.paths

    assert outcome(statement, books) == outcome(rows(*statement), rows(*books))


def test_read_pairs_reads_plain_and_quoted_csv_alike(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("ref,x,total\r\nA,1,10.00\r\n\r\nB,2,-3.50\r\n", encoding="utf-8")
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('ref,x,total\n"A",1,10.00\n"B","2",-3.50\n', encoding="utf-8")
    pairs = read_pairs(plain, number="ref", amount="total")
    assert pairs == read_pairs(quoted, number="ref", amount="total")
    assert pairs == [("A", "10.00"), ("B", "-3.50")]
    assert (len(pairs), pairs[1], list(pairs[:1])) == (2, ("B", "-3.50"), [("A", "10.00")])
    assert reconcile(pairs, pairs).balanced


def test_read_pairs_reports_every_short_row(tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("number,amount\nA,1.00\nB\nC,2.00\nD\n", encoding="utf-8")
    with pytest.raises(ValidationErrors) as caught:
        read_pairs(ragged)
    assert caught.value.paths == ("line 3", "line 5")
    assert "needs at least 2 fields, has 1" in str(caught.value)


_CELLS = st.text(alphabet="ab1.,- \né\r", max_size=4)


@given(st.lists(st.lists(_CELLS, min_size=1, max_size=4), max_size=6), st.booleans())
def test_read_pairs_reads_what_the_csv_module_reads(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], raw: bool
) -> None:
    # Raw text (commas and line breaks unquoted, so rows come out ragged or split) or proper CSV.
    lines = ["number,amount"] + [",".join(row) for row in rows]
    text = "\n".join(lines) + "\n"
    if not raw:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["number", "amount"], *rows])
        text = buffer.getvalue()
    path = tmp_path_factory.mktemp("csv") / "side.csv"
    path.write_bytes(text.encode("utf-8"))
    expected: object
    found = [r for r in csv.reader(io.StringIO(text, newline="")) if r][1:]
    short = [r for r in found if len(r) < 2]
    try:
        got: object = read_pairs(path)
    except ValidationErrors as error:
        got = ("errors", len(error.errors))
    expected = ("errors", len(short)) if short else [(r[0], r[1]) for r in found]
    assert got == expected


def test_read_rows_reports_every_row_without_the_columns(tmp_path: Path) -> None:
    side = tmp_path / "books.json"
    side.write_text(
        json.dumps([{"ref": "A", "total": "1.00"}, {"ref": "B"}, ["C", "2.00"], {"total": "3"}])
    )
    with pytest.raises(ValidationErrors) as caught:
        read_pairs(side, number="ref", amount="total")
    assert caught.value.paths == ("[1].total", "[2].ref", "[2].total", "[3].ref")


_DIGIT_NUMBERS = st.sampled_from(
    ["12345000000427", "12345000000435", "00000000000001", "99999", "7", "88", "999"]
)
_CLEAN_AMOUNTS = st.from_regex(r"-?[0-9]{1,3}\.[0-9]{2}", fullmatch=True)


@_two_sides(_DIGIT_NUMBERS, _CLEAN_AMOUNTS, most=30)
def test_sorted_columns_dictionaries_and_rows_agree(
    statement: list[tuple[str, str]], books: list[tuple[str, str]]
) -> None:
    # Equal-length digit numbers take the sorted NumPy path; one shorter number ("99999") sends
    # the same rows through the dictionaries; mappings go row by row. Same result, same order.
    from carm.ledger import _reconcile, _sorted

    widths = {len(number) for number, _ in statement + books}
    sorted_path = _sorted.match_sorted(
        _reconcile.clean_columns(statement), _reconcile.clean_columns(books)
    )
    assert (sorted_path is not None) == (len(widths) == 1)
    found = reconcile(statement, books)
    assert found == reconcile(rows(*statement), rows(*books))
    assert found.summary["statement_total"] == sum(D(amount) for _, amount in statement)


def test_duplicates_are_listed_in_the_order_they_first_appear() -> None:
    statement = [("B2", "1.00"), ("A1", "1.00"), ("A1", "2.00"), ("B2", "1.00"), ("C3", "5.00")]
    for side in (statement, rows(*statement)):
        found = reconcile(side, [("C3", "5.00")])
        assert [(d.number, d.amounts) for d in found.duplicates] == [
            ("B2", (D("1.00"), D("1.00"))),
            ("A1", (D("1.00"), D("2.00"))),
        ]
        assert found.summary["matched"] == 1


def test_without_numpy_the_dictionaries_reconcile(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from carm.ledger import _reconcile, _sorted

    statement = [("12345000000427", "10.00"), ("12345000000435", "4.00")]
    books = [("12345000000427", "10.00"), ("12345000000443", "1.00")]
    columns = (_reconcile.clean_columns(statement), _reconcile.clean_columns(books))
    assert _sorted.match_sorted(*columns) is not None
    expected = reconcile(statement, books)
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now raises ImportError
    assert _sorted.match_sorted(*columns) is None
    assert reconcile(statement, books) == expected


def test_numbers_of_different_lengths_are_not_read_as_one_width() -> None:
    # 2 + 1 + 3 digits make 3 numbers of 2 digits: "887999" must not be read as 88, 79, 99.
    statement = [("88", "1.00"), ("7", "2.00"), ("999", "3.00")]
    books = [("87", "1.00"), ("9", "2.00"), ("999", "3.00")]
    found = reconcile(statement, books)
    assert [n for n, _ in found.matched] == ["999"]
    assert [n for n, _ in found.only_in_statement] == ["88", "7"]
    assert [n for n, _ in found.only_in_books] == ["87", "9"]
    assert found.duplicates == ()

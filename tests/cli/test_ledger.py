import json
from pathlib import Path

import pytest

from carm.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    statement = tmp_path / "soa.csv"
    statement.write_text(
        "TransactionNumber,Amount\n12345000000421,200.00\n12345000000439,150.00\n12345000000447,75.00\n",
        encoding="utf-8",
    )
    books = tmp_path / "books.json"
    books.write_text(
        '[{"ref": "12345000000421", "total": "200.00"}, {"ref": "12345000000439", "total": "140.00"},'
        ' {"ref": "12345000000455", "total": "10.00"}]',
        encoding="utf-8",
    )
    return statement, books


def test_reconcile_report(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]) -> None:
    statement, books = files
    args = ["reconcile", str(statement), str(books), "--number-column", "TransactionNumber",
            "--amount-column", "Amount", "--books-number-column", "ref", "--books-amount-column", "total"]  # fmt: skip
    status, out, err = run(capsys, *args)
    assert status == 0, err
    assert (
        "matched 1; amount differences 1; only in statement 1; only in books 1; duplicates 0" in out
    )
    _, out, _ = run(capsys, *args, "--json")
    assert json.loads(out)["summary"]["difference"] == "75.00"
    _, out, _ = run(capsys, *args, "--csv")
    assert "amount difference,12345000000439,150.00,140.00,10.00" in out.splitlines()


def test_reconcile_missing_columns(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    statement, books = files
    status, _, err = run(capsys, "reconcile", str(statement), str(books))
    assert status == 1
    assert "lacks the columns named" in err

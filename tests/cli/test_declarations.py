import json
from datetime import date
from pathlib import Path

import pytest

from carm import declarations as decl
from carm.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cad" / "multi_invoice.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_validate_and_assess(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "cad", "validate", str(EXAMPLE)) == (
        0,
        "12345000042706 version 1: valid (4 lines)\n",
        "",
    )
    status, out, _ = run(
        capsys, "cad", "assess", str(EXAMPLE), "--rate", "USD=1.3712", "--rate", "EUR=1.6021"
    )
    assert status == 0
    assert out.splitlines()[-1].split()[-1] == "1727.67"
    _, out, _ = run(
        capsys,
        "cad",
        "assess",
        str(EXAMPLE),
        "--rate",
        "USD=1.3712",
        "--rate",
        "EUR=1.6021",
        "--json",
    )
    assert decl.from_json(out).total.to_eng_string() == "1727.67"


def test_validate_reports_every_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    document = json.loads(EXAMPLE.read_text())
    document["header"]["office"] = "49"
    document["invoices"][0]["treatment"] = "UST"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    status, out, err = run(capsys, "cad", "validate", str(bad))
    assert status == 1
    assert out == ""
    assert [line.split(":")[2].strip() for line in err.splitlines()] == [
        "header.office",
        "invoices[0].treatment",
    ]


def test_diff(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assessed = decl.assess(
        decl.from_json(EXAMPLE.read_text()), exchange_rates={"USD": "1.3712", "EUR": "1.6021"}
    )
    adjusted = assessed.correct(
        {"invoices[0].treatment": "MFN"}, reasons=["R3-32.2.TT"], on=date(2027, 1, 20)
    )
    (tmp_path / "v1.json").write_text(decl.to_json(assessed))
    (tmp_path / "v2.json").write_text(decl.to_json(adjusted))
    status, out, _ = run(
        capsys, "cad", "diff", str(tmp_path / "v1.json"), str(tmp_path / "v2.json")
    )
    assert status == 0
    assert "invoices[0].treatment: LDCT -> MFN" in out
    assert out.splitlines()[-1] == "total: +158.09 (owed)"
    _, out, _ = run(
        capsys, "cad", "diff", str(tmp_path / "v1.json"), str(tmp_path / "v2.json"), "--json"
    )
    assert json.loads(out)["total"] == "158.09"

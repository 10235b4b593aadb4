import json
from pathlib import Path

import pytest

from carm.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_show(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "tariff", "show", "6109100011")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("6109.10.00.11  T-shirts, all white")
    assert "  edition      T2026-2 (effective 2026-09-01)" in lines
    assert "  unit         NMB" in lines
    assert any(line.strip().startswith("section     XI") for line in lines)
    assert "    MFN    18%" in lines
    assert "    UST    Free" in lines


def test_show_json_with_options(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "tariff",
        "show",
        "0406.10.20.00",
        "--origin",
        "GB",
        "--value",
        "100",
        "--quantity",
        "kg=100",
        "--json",
    )
    assert status == 0
    data = json.loads(out)
    assert data["code"] == "0406.10.20.00"
    assert data["rates"] == {"MFN": "245.5% but not less than $4.52/kg", "CPUKT": "N/A"}
    assert [n["level"] for n in data["hierarchy"]] == [
        "section",
        "chapter",
        "heading",
        "subheading",
        "tariff item",
    ]
    options = data["options"]
    assert options["recommended"] == "MFN"
    assert options["treatments"][0] == {
        "treatment": "MFN",
        "cbsa_code": "02",
        "rate": "245.5% but not less than $4.52/kg",
        "duty": "452.00",
        "note": None,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tariff", "show", "7701.00.00"], "carm: error: code: no such chapter 77 in HS 2022"),
        (["tariff", "show", "6109.10.00.11", "--as-of", "2020-01-01"], "no edition of the Customs"),
        (["tariff", "show", "6109.10.00.11", "--origin", "ZZ"], "origin: is not a known country"),
        (["tariff", "show", "6109.10.00.11", "--origin", "MX", "--value", "1.5.1"], "--value"),
    ],
)
def test_show_errors(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    status, out, err = run(capsys, *args)
    assert status == 1
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_import_and_editions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "01-99-2027-1-eng.csv"
    source.write_text(
        "TARIFF,EFF_DATE,DESC1,UOM,MFN,UST\n6109.10.00.11,2027-01-01,T-shirts,NMB,17%,Free\n",
        encoding="utf-8",
    )
    status, out, err = run(capsys, "tariff", "import", str(source), "--json")
    assert status == 0, err
    assert json.loads(out)["edition"] == "T2027-1"
    status, out, _ = run(capsys, "tariff", "editions")
    assert [line.split()[0] for line in out.splitlines()] == ["T2026-2", "T2027-1"]
    status, out, _ = run(capsys, "tariff", "show", "6109.10.00.11", "--json")
    assert json.loads(out)["rates"] == {"MFN": "17%", "UST": "Free"}


def test_import_reports_every_bad_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "01-99-2027-1-eng.csv"
    source.write_text(
        "TARIFF,EFF_DATE,DESC1,UOM,MFN\n61,2027-01-01,x,NMB,17%\n6109.10.00.11,2027-01-01,y,NMB,lots\n",
        encoding="utf-8",
    )
    status, _, err = run(capsys, "tariff", "import", str(source))
    assert status == 1
    assert err.splitlines() == [
        "carm: error: line 2.TARIFF: has the wrong length: expected 8 or 10 digits (got '61')",
        "carm: error: line 3.MFN.rate: is not a rate carm can read (cannot read 'lots'): "
        "expected Free, N/A, 18%, 3.32¢/kg, $1.45/kg, A plus B, A but not less than B, … (got 'lots')",
    ]


def test_classify_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "classify", "Women's cotton knit T-shirt", "--limit", "2")
    assert status == 0
    assert out.splitlines()[0].startswith("1. 6109.10.00.22")
    assert out.splitlines()[0].endswith("matched: cotton, knitted, tshirt, women")
    assert out.splitlines()[1] == "     material: cotton"
    # The path runs down to the code; a long tariff line shows its distinguishing end.
    assert "classification 6109.10.00.22 …" in out
    assert out.splitlines()[7].endswith("Women's or girls': - Other T-shirts")
    _, out, _ = run(capsys, "classify", "Women's cotton knit T-shirt", "--json")
    assert json.loads(out)[0]["hs6"] == "610910"
    _, out, _ = run(capsys, "classify", "zzqx")
    assert out.startswith("no match")
    status, _, _ = run(capsys, "classify", "   ")
    assert status == 1


def test_evaluate_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("description,hs6\nmen's cotton t-shirts,610910\n", encoding="utf-8")
    status, out, _ = run(capsys, "tariff", "evaluate", str(labelled))
    assert status == 0
    assert "top-1 HS6      100.0%" in out
    assert out.splitlines()[0] == "method         hybrid"
    _, out, _ = run(capsys, "tariff", "evaluate", str(labelled), "--method", "keywords")
    assert out.splitlines()[0] == "method         keywords"
    status, _, err = run(capsys, "tariff", "evaluate", str(labelled), "--method", "neural")
    assert status == 2
    assert "'neural' is not one of 'auto', 'hybrid', 'keywords'" in err

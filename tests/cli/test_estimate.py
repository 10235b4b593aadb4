import json
from pathlib import Path

import pytest

from carm.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.*")), ids=lambda p: p.name)
def test_every_example_runs(capsys: pytest.CaptureFixture[str], example: Path) -> None:
    status, out, err = run(capsys, "estimate", str(example))
    assert status == 0, err
    assert "total" in out


def test_the_readme_example(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "estimate", str(EXAMPLES / "tshirts.json"), "--explain")
    assert status == 0
    assert "18% of 1645.44 = 296.1792 → 296.18" in out
    assert out.splitlines()[-2].split()[-1] == "$393.26"


def test_json_and_locale(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "estimate", str(EXAMPLES / "tshirts.json"), "--json")
    assert json.loads(out)["totals"]["total"] == "393.26"
    _, out, _ = run(capsys, "estimate", str(EXAMPLES / "tshirts.json"), "--locale", "fr_CA")
    assert "393,26\xa0$" in out
    status, _, err = run(capsys, "estimate", str(EXAMPLES / "tshirts.json"), "--locale", "xx")
    assert status == 1
    assert "locale: is not a known locale" in err


def test_mixed_courier_example_figures(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "estimate", str(EXAMPLES / "mixed_courier.toml"), "--json")
    data = json.loads(out)
    treatments = [line["treatment"] for line in data["lines"]]
    assert treatments == ["MXT", "LDCT", "MFN", "MFN"]
    # cheese: 380 EUR x 1.6021 = 608.798 -> 608.80; 245.5% = 1494.604 -> 1494.60 beats 40 kg x $4.52
    assert data["lines"][2]["customs_duty"] == "1494.60"
    assert data["totals"]["total"] == "1713.95"


def test_bad_documents_report_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'province = "ON"\nrelese_date = 2026-10-15\n[[lines]]\nvalue = 1.5\norigin = "CN"\n'
        '[[lines]]\nclassification = "6109.10.00.11"\nvalue = 10\norigin = "CN"\ncolour = "red"\n',
        encoding="utf-8",
    )
    status, out, err = run(capsys, "estimate", str(bad))
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        "carm: error: relese_date: is not a field carm knows: expected one of direct_shipment_date, "
        "exchange_rates, gift, importation, lines, mode, province, release_date, shipped_from (got 'relese_date')",
        "carm: error: lines[0].classification: is required (got None)",
        "carm: error: lines[1].colour: is not a field carm knows: expected one of alcohol, "
        "classification, currency, description, excise, gst_exempt, origin, proof_of_origin, "
        "quantities, quantity, rate, shipped_from, sima, treatment, value (got 'colour')",
        "carm: error: release_date: is required (got None)",
    ]


def test_unreadable_and_malformed_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "estimate", str(tmp_path / "missing.json"))
    assert status == 1
    assert "cannot read the file" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    status, _, err = run(capsys, "estimate", str(broken))
    assert "is not valid JSON" in err

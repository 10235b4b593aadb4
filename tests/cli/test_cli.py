import json
import subprocess
import sys
from pathlib import Path

import pytest

from carm import __version__
from carm.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"carm, version {__version__}\n", "")


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    for command in ("bn", "transaction-number", "billing-period"):
        assert command in out


def test_bn_validate(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "bn", "validate", "12302 6635 rm 0001")
    assert status == 0
    assert err == ""
    assert out.splitlines() == [
        "123026635 RM 0001: valid",
        "  business number    123026635",
        "  program account    RM (import-export) 0001",
    ]


def test_bn_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "bn", "validate", "123026635", "--json")
    assert status == 0
    assert json.loads(out) == {
        "number": "123026635",
        "formatted": "123026635",
        "business_number": "123026635",
        "program_identifier": None,
        "program": None,
        "reference_number": None,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["bn", "validate", "123456789"],
            "carm: error: business_number: check digit does not match: "
            "expected 2 as the 9th digit (got '123456789')",
        ),
        (
            ["bn", "validate", "123026635RT0001", "--program", "RM"],
            "carm: error: business_number: is the wrong program account: "
            "expected an RM (import-export) account (got 'RT')",
        ),
        (
            ["billing-period", "2026-02-30"],
            "carm: error: released: has an invalid format: expected a date as YYYY-MM-DD "
            "(got '2026-02-30')",
        ),
        (
            ["billing-period", "2026-03-02", "--province", "ZZ"],
            "carm: error: province: is not a Canadian province or territory: expected one of "
            "AB, BC, MB, NB, NL, NS, NT, NU, ON, PE, QC, SK, YT (got 'ZZ')",
        ),
    ],
)
def test_bad_input_goes_to_stderr(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = run(capsys, *args)
    assert status == 1
    assert out == ""
    assert err == message + "\n"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "bn", "validate")
    assert status == 2
    assert "Missing argument 'NUMBER'" in err


def test_transaction_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(
        capsys, "transaction-number", "make", "--account-security", "12345", "--sequence", "42"
    ) == (0, "12345000000421\n", "")
    assert run(capsys, "transaction-number", "validate", "12345000000421") == (
        0,
        "12345-00000042-1: valid\n",
        "",
    )
    status, _, err = run(capsys, "transaction-number", "validate", "12345000000427")
    assert status == 1
    assert "check digit does not match" in err
    assert (
        run(capsys, "transaction-number", "validate", "12345000000427", "--check-digit", "luhn")[0]
        == 0
    )


def test_billing_period(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "billing-period", "2026-03-02")
    assert status == 0
    assert out.splitlines() == [
        "released from   2026-02-18",
        "released to     2026-03-17",
        "statement date  2026-03-25",
        "payment due     2026-03-31  (ten-business-days-after-17th)",
    ]
    status, out, _ = run(
        capsys, "billing-period", "2026-10-20", "--due-date-rule", "last-day-of-month", "--json"
    )
    assert json.loads(out)["due_date"] == "2026-11-30"


def test_the_installed_command_never_prints_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "carm", "bn", "validate", "not a number"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("carm: error: business_number:")


def test_a_reader_that_stops_early_is_no_error(tmp_path: Path) -> None:
    # As `carm estimate ... --explain | head -1`: the pipe closes while carm still writes (the
    # working of 500 lines is more than a pipe holds).
    shipment = json.loads((Path(__file__).parents[2] / "examples" / "tshirts.json").read_text())
    shipment["lines"] *= 500
    big = tmp_path / "big.json"
    big.write_text(json.dumps(shipment))
    command = [sys.executable, "-m", "carm", "estimate", str(big), "--explain"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.read(10) == b"Estimate: "
        process.stdout.close()
        errors = process.stderr.read().decode()
    assert errors == ""
    assert process.returncode == 141

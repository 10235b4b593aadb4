"""CAD checks, corrections and their history, daily notices, classification and ruling decisions
over HTTP; faults that cut connections."""

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from carm.cli.sandbox import parse_faults
from carm.client import AsyncPortal, ConflictError, ForbiddenError, InvalidRequestError, Portal
from carm.errors import InvalidFormat
from carm.identifiers import transaction_number
from carm.sandbox import Faults
from carm.sandbox._workflows import AMENDMENT_SEQUENCE_START

from .conftest import Server, seeded
from .test_portal import cad_with_rates

ACCOUNT = "123026635RM0001"
NUMBER = "12345000042706"


@pytest.fixture
def officer(sandbox: Server) -> Server:
    sandbox.state.add_officer("u-cbsa", name="Officer Lee", password="cbsa-pw")
    return sandbox


def test_validation_corrections_and_history(sandbox: Server) -> None:
    with Portal(sandbox.url) as erin:
        erin.sign_in("u-erin", "u-erin-password")
        assert erin.declarations.validate(cad_with_rates()) == {"valid": True, "errors": []}
        erin.declarations.submit(cad_with_rates())
        # released 2026-10-15, due 2026-10-30: a refund by then is a correction
        receipt = erin.declarations.correct(
            NUMBER, {"invoices[1].lines[1].value": "380.00"}, reasons=["R2-74-1-VFD"],
            on=date(2026, 10, 28),
        )  # fmt: skip
        assert receipt == {
            "transaction_number": NUMBER, "version": 2, "kind": "correction", "total": "1725.23",
            "difference": "-2.44",
            "ledger_number": transaction_number.make(account_security="12345", sequence=AMENDMENT_SEQUENCE_START),
        }  # fmt: skip
        with pytest.raises(InvalidRequestError) as refused:
            erin.declarations.correct(
                NUMBER, {"invoices[0].treatment": "MFN"}, reasons=["R2-74-1-TT", "R3-32.2.TT"],
                on=date(2027, 1, 20),
            )  # fmt: skip
        assert [e["path"] for e in refused.value.errors] == ["reasons[0]"]
        versions = erin.declarations.versions(NUMBER)
        assert [(v.version, v.kind, v.total) for v in versions] == [
            (1, "original", Decimal("1727.67")),
            (2, "correction", Decimal("1725.23")),
        ]
        assert erin.declarations.get(NUMBER).version == 2
        ledger = list(erin.ledger.transactions(ACCOUNT))
        assert [(t.kind, t.amount) for t in ledger] == [
            ("CAD", Decimal("1727.67")),
            ("correction", Decimal("-2.44")),
        ]
        today = datetime.now(tz=UTC).date()
        notice = erin.ledger.notice(ACCOUNT, today)
        assert [row["number"] for row in notice["transactions"]] == [
            NUMBER,
            receipt["ledger_number"],
        ]


def test_a_bad_cad_is_reported_not_refused(sandbox: Server) -> None:
    import attrs

    cad = cad_with_rates()
    header = attrs.evolve(cad.header, province="ZZ", transport_mode="77")
    with Portal(sandbox.url) as erin:
        erin.sign_in("u-erin", "u-erin-password")
        checked = erin.declarations.validate(attrs.evolve(cad, header=header))
    assert checked["valid"] is False
    assert [e["path"] for e in checked["errors"]] == ["header.transport_mode", "header.province"]


def test_only_the_importers_people_see_or_change_a_cad(sandbox: Server) -> None:
    with Portal(sandbox.url) as erin, Portal(sandbox.url) as mallory:
        erin.sign_in("u-erin", "u-erin-password")
        mallory.sign_in("u-mallory", "u-mallory-password")
        erin.declarations.submit(cad_with_rates())
        with pytest.raises(ForbiddenError):
            mallory.declarations.versions(NUMBER)
        with pytest.raises(ForbiddenError):
            mallory.declarations.correct(
                NUMBER, {"invoices[0].treatment": "MFN"}, reasons=["R3-32.2.TT"]
            )


def test_classification_over_http(sandbox: Server) -> None:
    with Portal(sandbox.url) as erin:
        erin.sign_in("u-erin", "u-erin-password")
        best = erin.tariff.classify("Women's cotton knit T-shirt", limit=3)
        assert len(best) == 3
        assert (best[0]["hs6"], best[0]["code"]) == ("610910", "6109.10.00.22")
        with pytest.raises(InvalidRequestError) as caught:
            erin.tariff.classify("shirt", limit=0)
        assert caught.value.errors[0]["path"] == "limit"


def test_a_ruling_from_request_to_review(officer: Server) -> None:
    with Portal(officer.url) as erin, Portal(officer.url) as lee:
        erin.sign_in("u-erin", "u-erin-password")
        lee.sign_in("u-cbsa", "cbsa-pw")
        asked = erin.rulings.request(
            kind="tariff_classification", applicant=ACCOUNT,
            product={"description": "men's cotton T-shirt", "materials": "100% cotton"},
        )  # fmt: skip
        with pytest.raises(ForbiddenError, match="only a CBSA officer may accept"):
            erin.rulings.accept(asked.id)
        asked_more = lee.rulings.request_information(asked.id, what="the knit construction")
        assert asked_more.status == "information_requested"
        assert asked_more.response_due is not None
        assert erin.rulings.respond(asked.id, note="weft knit, 180 g/m2").status == "accepted"
        with pytest.raises(ForbiddenError):
            erin.rulings.request_information(asked.id, what="anything")
        issued = lee.rulings.issue(asked.id, classification="6109.10.00.11")
        assert (issued.status, issued.decision) == ("issued", "6109.10.00.11")
        with pytest.raises(ConflictError):
            lee.rulings.accept(asked.id)
        reviewed = erin.rulings.request_review(asked.id, note="should be 6109.10.00.12")
        assert reviewed.status == "under_review"
        decided = lee.rulings.decide_review(asked.id, outcome="confirmed")
        assert [event.what for event in decided.history] == [
            "submitted", "information_requested", "accepted", "issued", "under_review", "review_decided",
        ]  # fmt: skip
        assert [event.by for event in decided.history] == [
            "u-erin", "u-cbsa", "u-erin", "u-cbsa", "u-erin", "u-cbsa",
        ]  # fmt: skip


def test_a_submission_through_resets_and_503s_is_recorded_once(tmp_path: Path) -> None:
    faults = Faults(unavailable=1, resets=2, seed=11)  # the draws repeat run to run
    with Server(seeded(tmp_path / "faults.db"), faults) as server:
        with Portal(server.url, initial_delay=0.01) as erin:
            erin.sign_in("u-erin", "u-erin-password")  # the 503, then a reset: retried
            faults.resets = 2
            receipt = erin.declarations.submit(cad_with_rates())
            assert receipt["transaction_number"] == NUMBER
            assert len(list(erin.ledger.transactions(ACCOUNT))) == 1
            assert faults.injected == {"503": 1, "reset": 4}

        async def many() -> list[str]:
            async with AsyncPortal(server.url, initial_delay=0.01, max_retries=8) as portal:
                await portal.sign_in("u-erin", "u-erin-password")
                faults.reset_rate, faults.error_rate = 0.1, 0.1
                found = await asyncio.gather(
                    *(portal.tariff.line("6109.10.00.11") for _ in range(30))
                )
                faults.reset_rate = faults.error_rate = 0.0
                return [line["code"] for line in found]

        assert asyncio.run(many()) == ["6109.10.00.11"] * 30
        assert (
            faults.injected["503"] + faults.injected["reset"] > 5
        )  # the clients retried: seeded, so always


def test_fault_specs() -> None:
    assert parse_faults("503=0.1, reset=0.05,slow=0.2,slow-seconds=0.5,seed=7") == {
        "error_rate": 0.1, "reset_rate": 0.05, "slow_rate": 0.2, "slow_seconds": 0.5, "seed": 7,
    }  # fmt: skip
    with pytest.raises(InvalidFormat) as caught:
        parse_faults("boom=1,503=lots")
    assert str(caught.value).startswith(
        "--faults: 'boom' is not one of 503, reset, slow, slow-seconds, delay, seed; 503='lots' is not a number"
    )
    with pytest.raises(InvalidFormat, match="error_rate"):
        Faults(error_rate=1.5)


def test_serve_refuses_bad_faults_before_starting(capsys: pytest.CaptureFixture[str]) -> None:
    from carm.cli import main

    assert main(["sandbox", "serve", "--faults", "boom=1,503=2,reset=0.1"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(
        "carm: error: --faults: 'boom' is not one of 503, reset, slow, slow-seconds, delay, seed; "
        "503=2 is not a share from 0 to 1"
    )
    assert "carm sandbox on" not in captured.err


def test_serve_refuses_a_bad_excise_table_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from carm.cli import main

    table = tmp_path / "excise.csv"
    table.write_text("tariff_number,code,rate,valid_from\n0602.90.90.90,E52,lots,2021-01-01\n")
    assert main(["sandbox", "serve", "--excise-codes", str(table)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("carm: error: line 2.rate:")
    assert "carm sandbox on" not in captured.err

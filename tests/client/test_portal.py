"""Both clients against the sandbox on 127.0.0.1, start to finish."""

import asyncio
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

import carm
from carm import declarations as decl
from carm.client import (
    AsyncPortal,
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    Portal,
)
from carm.sandbox import SandboxState

from .conftest import Server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cad" / "multi_invoice.json"


def cad_with_rates() -> decl.Declaration:
    cad = decl.from_json(EXAMPLE.read_text())
    rates = {"USD": Decimal("1.3712"), "EUR": Decimal("1.6021")}
    import attrs

    return attrs.evolve(
        cad, invoices=tuple(attrs.evolve(i, exchange_rate=rates[i.currency]) for i in cad.invoices)
    )


SHIPMENT = carm.Shipment(
    province="ON", release_date=date(2026, 10, 15), exchange_rates={"USD": Decimal("1.3712")},
    lines=[carm.Line(classification="6109.10.00.11", value=Decimal("1200.00"), currency="USD", origin="CN", quantity=Decimal("100"))],
)  # fmt: skip


def test_a_broker_signs_in_estimates_submits_and_reads_the_ledger(sandbox: Server) -> None:
    with Portal(sandbox.url) as portal:
        with pytest.raises(AuthenticationError):
            portal.tariff.line("6109.10.00.11")
        portal.sign_in("u-erin", "u-erin-password")
        assert "sbx_" not in repr(portal)
        assert "signed_in=True" in repr(portal)
        assert portal.tariff.line("6109100011")["rates"]["MFN"] == "18%"
        assert portal.estimates.create(SHIPMENT)["totals"]["total"] == "393.26"
        receipt = portal.declarations.submit(cad_with_rates())
        assert receipt == {"transaction_number": "12345000042706", "version": 1, "total": "1727.67"}
        assert portal.declarations.get("12345000042706").total == Decimal("1727.67")
        (posted,) = list(portal.ledger.transactions("123026635RM0001"))
        assert (posted.number, posted.amount) == ("12345000042706", Decimal("1727.67"))
        with pytest.raises(ConflictError, match="already in use"):
            portal.declarations.submit(cad_with_rates())
        with pytest.raises(NotFoundError) as caught:
            portal.tariff.line("7701.00.00")
        assert caught.value.request_id is not None
        assert caught.value.request_id in str(caught.value)


def test_delegation_is_enforced(sandbox: Server) -> None:
    with Portal(sandbox.url) as portal:
        portal.sign_in("u-mallory", "u-mallory-password")
        with pytest.raises(ForbiddenError, match="may not submit CADs"):
            portal.declarations.submit(cad_with_rates())
        with pytest.raises(ForbiddenError):
            list(portal.ledger.transactions("123026635RM0001"))
    with Portal(sandbox.url) as portal, pytest.raises(AuthenticationError):
        portal.sign_in("u-mallory", "wrong")


def test_invalid_documents_list_every_problem(sandbox: Server) -> None:
    with Portal(sandbox.url) as portal:
        portal.sign_in("u-erin", "u-erin-password")
        with pytest.raises(InvalidRequestError) as caught:
            portal.estimates.create(
                {
                    "province": "ZZ",
                    "release_date": "2026-10-15",
                    "lines": [{"classification": "7701", "value": "1", "origin": "CN"}],
                }
            )
        assert [e["path"] for e in caught.value.errors] == ["province", "lines[0].classification"]


def test_a_submission_retried_through_failures_is_recorded_once(sandbox: Server) -> None:
    with Portal(sandbox.url, initial_delay=0.01) as portal:
        portal.sign_in("u-erin", "u-erin-password")
        sandbox.faults.unavailable = 2
        receipt = portal.declarations.submit(cad_with_rates(), idempotency_key="submit-1")
        assert receipt["transaction_number"] == "12345000042706"
        again = portal.declarations.submit(
            cad_with_rates(), idempotency_key="submit-1"
        )  # a retry by the caller
        assert again == receipt
        assert len(list(portal.ledger.transactions("123026635RM0001"))) == 1


def test_state_survives_a_restart(sandbox: Server) -> None:
    with Portal(sandbox.url) as portal:
        portal.sign_in("u-erin", "u-erin-password")
        portal.declarations.submit(cad_with_rates())
    reopened = SandboxState(sandbox.state.path)
    assert [t.number for t in reopened.ledger.transactions("123026635RM0001")] == ["12345000042706"]


def test_pages_of_transactions(sandbox: Server) -> None:
    from carm.ledger import Transaction

    for n in range(7):
        sandbox.state.ledger.post(
            Transaction(
                "123026635RM0001", f"AMPS-{n}", "AMPS", Decimal("150.00"), date(2026, 11, 1)
            )
        )
    with Portal(sandbox.url) as portal:
        portal.sign_in("u-erin", "u-erin-password")
        numbers = [t.number for t in portal.ledger.transactions("123026635RM0001", page_size=3)]
    assert numbers == [f"AMPS-{n}" for n in range(7)]


def test_the_async_client(sandbox: Server) -> None:
    async def scenario() -> tuple[str, list[str]]:
        async with AsyncPortal(sandbox.url, initial_delay=0.01) as portal:
            await portal.sign_in("u-erin", "u-erin-password")
            sandbox.faults.unavailable = 1
            results = await asyncio.gather(*(portal.estimates.create(SHIPMENT) for _ in range(20)))
            assert {r["totals"]["total"] for r in results} == {"393.26"}
            receipt = await portal.declarations.submit(cad_with_rates())
            numbers = [
                t.number async for t in portal.ledger.transactions("123026635RM0001", page_size=1)
            ]
            return receipt["total"], numbers

    total, numbers = asyncio.run(scenario())
    assert (total, numbers) == ("1727.67", ["12345000042706"])


def test_connection_failures_and_openapi(sandbox: Server) -> None:
    from carm.client import ConnectionFailed

    with (
        Portal("http://127.0.0.1:9", max_retries=1, initial_delay=0.01) as portal,
        pytest.raises(ConnectionFailed),
    ):
        portal.tariff.line("6109.10.00.11")
    document = httpx.get(f"{sandbox.url}/openapi.json").json()
    assert "/v1/declarations" in document["paths"]
    assert json.dumps(document)


def test_clients_share_one_verifying_tls_context() -> None:
    import ssl

    with Portal("https://portal.invalid") as one, Portal("https://portal.invalid") as two:
        assert one.verify is two.verify
        assert isinstance(one.verify, ssl.SSLContext)
        assert one.verify.verify_mode is ssl.CERT_REQUIRED
        assert one.verify.check_hostname
    with Portal("https://portal.invalid", verify=False) as unverified:
        assert unverified.verify is False


def test_sign_in_names_each_field_of_the_wrong_type(sandbox: Server) -> None:
    answer = httpx.post(f"{sandbox.url}/v1/sessions", json={"user": ["u-erin"], "password": 7})
    assert answer.status_code == 422
    assert answer.json()["error"]["errors"] == [
        {"path": "user", "message": "user: has the wrong type: expected text (got ['u-erin'])"},
        {"path": "password", "message": "password: has the wrong type: expected text (got 7)"},
    ]

"""The newcomer's flow of docs/portal.md, over HTTP against the sandbox: sign in, register a
business, delegate to a broker, estimate, submit a CAD, see it on the statement, pay, request a
ruling."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from carm import declarations as decl
from carm.client import ForbiddenError, InvalidRequestError, Portal
from carm.sandbox import Faults, SandboxState

from .conftest import Server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cad" / "multi_invoice.json"


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Server]:
    state = SandboxState(tmp_path / "flow.db")
    state.add_user("u-alice", name="Alice", password="alice-pw")
    state.add_user("u-erin", name="Erin", password="erin-pw")
    state.add_officer("u-cbsa", name="Officer Lee", password="cbsa-pw")
    with Server(state, Faults()) as server:
        yield server


def test_the_whole_flow(empty: Server) -> None:
    with Portal(empty.url) as alice, Portal(empty.url) as erin:
        alice.sign_in("u-alice", "alice-pw")
        erin.sign_in("u-erin", "erin-pw")
        assert alice.businesses.register("123026635", legal_name="Maple Imports Inc.", address="1 Bay St",
                                       program_accounts=("123026635RM0001",))["program_accounts"] == ["123026635RM0001"]  # fmt: skip
        erin.businesses.register(
            "123456782", legal_name="Border Brokers Ltd.", address="2 Front St"
        )
        # the broker asks for a program relationship; Maple's manager approves it
        asked = erin.delegations.request(
            account="123026635RM0001", role="program_account_manager", provider="123456782"
        )
        alice.delegations.approve(asked["request"])
        # Erin, the broker's manager, may not submit for Maple until she is assigned; Alice grants
        # her editor access directly instead (the portal's direct grant)
        cad = decl.from_json(EXAMPLE.read_text())
        rates = {"USD": Decimal("1.3712"), "EUR": Decimal("1.6021")}
        cad = attrs.evolve(
            cad,
            invoices=tuple(attrs.evolve(i, exchange_rate=rates[i.currency]) for i in cad.invoices),
        )
        with pytest.raises(ForbiddenError):
            erin.declarations.submit(cad)
        alice.delegations.grant(to="u-erin", account="123026635RM0001", role="editor")
        estimate = erin.estimates.create({"province": "ON", "release_date": "2026-10-15", "exchange_rates": {"USD": "1.3712"},
                                  "lines": [{"classification": "6109.10.00.11", "value": "1200.00", "currency": "USD",
                                             "origin": "CN", "quantity": 100}]})  # fmt: skip
        assert estimate["totals"]["total"] == "393.26"
        assert erin.declarations.submit(cad)["total"] == "1727.67"
        statement = alice.ledger.statement("123026635RM0001", date(2026, 10, 15))
        assert statement["closing_balance"] == "1727.67"
        with pytest.raises(ForbiddenError):
            erin.ledger.pay("123026635RM0001", Decimal("1727.67"))  # editors may not pay
        paid = alice.ledger.pay("123026635RM0001", Decimal("1727.67"))
        assert paid["applied"] == [{"to": "12345000042706", "amount": "1727.67"}]
        ruling = erin.rulings.request(kind="tariff_classification", applicant="123026635RM0001",
                                     product={"description": "men's cotton T-shirt", "materials": "100% cotton"})  # fmt: skip
        assert ruling.status == "submitted"
        assert alice.rulings.get(ruling.id).product.description == "men's cotton T-shirt"
        with pytest.raises(InvalidRequestError):
            erin.rulings.request(
                kind="weight", applicant="123026635RM0001", product={"description": "x"}
            )

"""The portal's resources, written once: each method plans a request and says how to read the
answer; the client that owns the resource runs it (``Portal`` returns the value, ``AsyncPortal``
an awaitable of it). The types named in the docstrings are what the call gives."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from carm.client._base import BaseClient, RequestPlan
from carm.declarations import Declaration, from_json, to_json
from carm.estimate import Shipment
from carm.ledger import Transaction
from carm.rulings import Ruling
from carm.serialization import converter, unstructure

__all__ = [
    "Businesses",
    "Declarations",
    "Delegations",
    "Estimates",
    "LedgerResource",
    "Parse",
    "Rulings",
    "Tariff",
]

Parse = Callable[[Any], Any]
Run = Callable[[RequestPlan, Parse], Any]
NextPage = Callable[[str | None], RequestPlan]
Pages = Callable[[NextPage, Parse], Any]


def _same(data: Any) -> Any:
    return data


def _ruling(data: Any) -> Ruling:
    return converter.structure(data, Ruling)


class _Resource:
    def __init__(self, client: BaseClient, run: Run, pages: Pages) -> None:
        self._client, self._run, self._pages = client, run, pages

    def _get(self, path: str, parse: Parse = _same, params: Mapping[str, str] | None = None) -> Any:
        return self._run(self._client.plan("GET", path, params=params), parse)

    def _post(
        self,
        path: str,
        body: Mapping[str, Any] | str,
        parse: Parse = _same,
        idempotency_key: str | None = None,
    ) -> Any:
        text = body if isinstance(body, str) else json.dumps(body, default=str)
        plan = self._client.plan("POST", path, body=text, idempotency_key=idempotency_key)
        return self._run(plan, parse)


class Tariff(_Resource):
    def line(self, code: str, *, as_of: date | None = None) -> Any:
        """A tariff line as a dict (``code``, ``description``, ``uom``, ``rates`` by treatment...)."""
        params = {"as_of": as_of.isoformat()} if as_of else {}
        return self._get(f"/v1/tariff/classifications/{code}", params=params)

    def classify(self, text: str, *, limit: int = 5) -> Any:
        """Likely classifications of a description, best first: dicts with ``hs6``, ``code``,
        ``score``, ``evidence``, ``path`` (as :func:`carm.tariff.classify`)."""
        return self._get("/v1/tariff/classify", params={"text": text, "limit": str(limit)})


class Estimates(_Resource):
    def create(
        self, shipment: Shipment | Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Any:
        """The estimate of a :class:`carm.Shipment` (or its document) as a dict (``totals``, ``lines``)."""
        data = unstructure(shipment) if isinstance(shipment, Shipment) else dict(shipment)
        data.pop("fx", None)
        document = {k: v for k, v in data.items() if v is not None}
        return self._post("/v1/estimates", document, idempotency_key=idempotency_key)


class Declarations(_Resource):
    def submit(self, cad: Declaration, *, idempotency_key: str | None = None) -> Any:
        """Submit a CAD: a receipt dict (``transaction_number``, ``version``, ``total``)."""
        return self._post(
            "/v1/declarations", to_json(cad, indent=None), idempotency_key=idempotency_key
        )

    def validate(self, cad: Declaration) -> Any:
        """The portal's check: ``{"valid": bool, "errors": [{"path", "message"}...]}``."""
        return self._post("/v1/declarations/validate", to_json(cad, indent=None))

    def get(self, number: str) -> Any:
        """The latest version, a :class:`carm.declarations.Declaration`."""
        return self._get(f"/v1/declarations/{number}", lambda d: from_json(json.dumps(d)))

    def versions(self, number: str) -> Any:
        """Every version, oldest first: a list of :class:`carm.declarations.Declaration`."""
        return self._get(
            f"/v1/declarations/{number}/versions",
            lambda items: [from_json(json.dumps(item)) for item in items],
        )

    def correct(
        self,
        number: str,
        changes: Mapping[str, object],
        *,
        reasons: list[str] | tuple[str, ...],
        on: date | None = None,
        reason_to_believe: date | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """A new version with ``changes`` (as :meth:`Declaration.correct`): a receipt dict with
        ``version``, ``kind`` (correction or adjustment), ``total``, ``difference`` and the
        ``ledger_number`` of the posting."""
        body = {"changes": dict(changes), "reasons": list(reasons), "on": on,
                "reason_to_believe": reason_to_believe}  # fmt: skip
        return self._post(
            f"/v1/declarations/{number}/versions", body, idempotency_key=idempotency_key
        )


class Businesses(_Resource):
    def register(
        self, bn: str, *, legal_name: str, address: str, program_accounts: tuple[str, ...] = ()
    ) -> Any:
        """Register a business; the signed-in user becomes its Business Account Manager."""
        body = {"bn": bn, "legal_name": legal_name, "address": address,
                "program_accounts": list(program_accounts)}  # fmt: skip
        return self._post("/v1/businesses", body)


class Delegations(_Resource):
    def grant(self, *, to: str, account: str, role: str) -> Any:
        """Give a user or a provider (its BN9) a role on an account."""
        return self._post("/v1/delegations", {"to": to, "account": account, "role": role})

    def request(
        self, *, account: str, role: str, provider: str | None = None, comment: str = ""
    ) -> Any:
        """Ask for a role, for oneself or (``provider``) for one's firm: ``{"request", "status"}``."""
        body = {"account": account, "role": role, "provider": provider, "comment": comment}
        return self._post("/v1/delegation-requests", body)

    def approve(self, request_id: str) -> Any:
        return self._post(f"/v1/delegation-requests/{request_id}/approve", {})


def _transaction(account: str) -> Parse:
    def read(item: Mapping[str, Any]) -> Transaction:
        released = item.get("release_date")
        return Transaction(
            account, item["number"], item["kind"], Decimal(item["amount"]),
            date.fromisoformat(item["posted"]), date.fromisoformat(released) if released else None,
        )  # fmt: skip

    return read


class LedgerResource(_Resource):
    def transactions(self, account: str, *, page_size: int = 50) -> Any:
        """Every :class:`carm.ledger.Transaction` of the account, fetched a page at a time
        (an iterator; an async iterator from ``AsyncPortal``)."""

        def page(after: str | None) -> RequestPlan:
            params = {"limit": str(page_size), **({"starting_after": after} if after else {})}
            return self._client.plan("GET", f"/v1/accounts/{account}/transactions", params=params)

        return self._pages(page, _transaction(account))

    def statement(self, account: str, released: date) -> Any:
        """The statement (a dict) of the billing period that goods released on ``released`` are in."""
        return self._get(f"/v1/accounts/{account}/statements/{released.isoformat()}")

    def notice(self, account: str, day: date) -> Any:
        """The daily notice (a dict) of the account's transactions posted on ``day``."""
        return self._get(f"/v1/accounts/{account}/notices/{day.isoformat()}")

    def pay(
        self,
        account: str,
        amount: Decimal,
        *,
        received: date | None = None,
        allocations: Mapping[str, Decimal] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Record a payment and apply it: ``{"payment", "applied": [{"to", "amount"}...]}``."""
        body = {"amount": str(amount), "received": received, "allocations": allocations}
        return self._post(f"/v1/accounts/{account}/payments", body, idempotency_key=idempotency_key)


class Rulings(_Resource):
    """Requests and their lifecycle; each call gives the :class:`carm.rulings.Ruling` after it."""

    def request(self, *, kind: str, applicant: str, product: Mapping[str, Any]) -> Any:
        body = {"kind": kind, "applicant": applicant, "product": dict(product)}
        return self._post("/v1/rulings", body, _ruling)

    def get(self, ruling_id: str) -> Any:
        return self._get(f"/v1/rulings/{ruling_id}", _ruling)

    def _move(self, ruling_id: str, action: str, **fields: object) -> Any:
        body = {name: value for name, value in fields.items() if value is not None}
        return self._post(f"/v1/rulings/{ruling_id}/{action}", body, _ruling)

    def accept(self, ruling_id: str) -> Any:
        """(CBSA officer) The request is complete: the service standard starts."""
        return self._move(ruling_id, "accept")

    def request_information(self, ruling_id: str, *, what: str, days: int | None = None) -> Any:
        """(CBSA officer) Ask the applicant for more."""
        return self._move(ruling_id, "request-information", what=what, days=days)

    def respond(self, ruling_id: str, *, note: str = "") -> Any:
        return self._move(ruling_id, "respond", note=note)

    def issue(self, ruling_id: str, *, classification: str | None = None, note: str = "") -> Any:
        """(CBSA officer) Issue the ruling."""
        return self._move(ruling_id, "issue", classification=classification, note=note)

    def refuse(self, ruling_id: str, *, reason: str) -> Any:
        """(CBSA officer) Decline to rule."""
        return self._move(ruling_id, "refuse", reason=reason)

    def withdraw(self, ruling_id: str) -> Any:
        return self._move(ruling_id, "withdraw")

    def request_review(self, ruling_id: str, *, note: str = "") -> Any:
        return self._move(ruling_id, "request-review", note=note)

    def decide_review(self, ruling_id: str, *, outcome: str) -> Any:
        """(CBSA officer) Decide a review."""
        return self._move(ruling_id, "decide-review", outcome=outcome)

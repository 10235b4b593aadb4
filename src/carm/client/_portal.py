"""``Portal`` (sync) and ``AsyncPortal``: the same resources, over httpx, with retries."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from carm.client._base import BaseClient, ConnectionFailed, RequestPlan
from carm.declarations import Declaration, from_json, to_json
from carm.estimate import Shipment
from carm.ledger import Transaction
from carm.serialization import unstructure

__all__ = ["AsyncPortal", "Portal", "SyncClient"]

Parse = Callable[[Any], Any]


def _shipment_document(shipment: Shipment | Mapping[str, Any]) -> str:
    data = unstructure(shipment) if isinstance(shipment, Shipment) else dict(shipment)
    data.pop("fx", None)
    return json.dumps({k: v for k, v in data.items() if v is not None}, default=str)


def _transaction(item: Mapping[str, Any], account: str) -> Transaction:
    return Transaction(
        account, item["number"], item["kind"], Decimal(item["amount"]), date.fromisoformat(item["posted"]),
        date.fromisoformat(item["release_date"]) if item.get("release_date") else None,
    )  # fmt: skip


class _Resources:
    """The portal's resources as plans and parsers; a client runs them."""

    def __init__(self, run: Callable[[RequestPlan, Parse], Any], client: BaseClient) -> None:
        self._run, self._client = run, client

    def sign_in_plan(self, user: str, password: str) -> RequestPlan:
        return self._client.plan(
            "POST", "/v1/sessions", body=json.dumps({"user": user, "password": password})
        )

    def tariff(self, code: str, *, as_of: date | None = None) -> Any:
        params = {"as_of": as_of.isoformat()} if as_of else {}
        return self._run(
            self._client.plan("GET", f"/v1/tariff/classifications/{code}", params=params),
            lambda d: d,
        )

    def estimate(
        self, shipment: Shipment | Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Any:
        plan = self._client.plan(
            "POST",
            "/v1/estimates",
            body=_shipment_document(shipment),
            idempotency_key=idempotency_key,
        )
        return self._run(plan, lambda d: d)

    def submit(self, cad: Declaration, *, idempotency_key: str | None = None) -> Any:
        plan = self._client.plan(
            "POST",
            "/v1/declarations",
            body=to_json(cad, indent=None),
            idempotency_key=idempotency_key,
        )
        return self._run(plan, lambda d: d)

    def declaration(self, number: str) -> Any:
        return self._run(
            self._client.plan("GET", f"/v1/declarations/{number}"),
            lambda d: from_json(json.dumps(d)),
        )

    def post(self, path: str, body: Mapping[str, Any], idempotency_key: str | None = None) -> Any:
        plan = self._client.plan(
            "POST", path, body=json.dumps(body, default=str), idempotency_key=idempotency_key
        )
        return self._run(plan, lambda d: d)

    def get(self, path: str) -> Any:
        return self._run(self._client.plan("GET", path), lambda d: d)

    def page_plan(self, account: str, after: str | None, limit: int) -> RequestPlan:
        params = {"limit": str(limit), **({"starting_after": after} if after else {})}
        return self._client.plan("GET", f"/v1/accounts/{account}/transactions", params=params)


class SyncClient(BaseClient):
    """A :class:`BaseClient` that sends with ``httpx.Client`` (``self._http``), retrying as planned."""

    _http: httpx.Client

    def _execute(self, plan: RequestPlan, parse: Parse) -> Any:
        attempt = 0
        while True:
            try:
                response = self._http.request(
                    plan.method,
                    plan.path,
                    content=plan.json_body,
                    params=plan.params,
                    headers=plan.headers,
                )
            except httpx.TransportError as error:
                if self.should_retry(attempt, None):
                    time.sleep(self.delay(attempt, None))
                    attempt += 1
                    continue
                raise ConnectionFailed(
                    f"the portal could not be reached: {type(error).__name__}"
                ) from None
            if response.status_code >= 400:
                if self.should_retry(attempt, response.status_code):
                    time.sleep(self.delay(attempt, response.headers.get("retry-after")))
                    attempt += 1
                    continue
                raise self.error(
                    response.status_code, _body(response), response.headers.get("request-id")
                )
            return parse(response.json())


class Portal(SyncClient):
    """The portal over HTTP, synchronously.

    >>> Portal("http://127.0.0.1:8765", token="secret")
    Portal('http://127.0.0.1:8765', signed_in=True)
    """

    def __init__(
        self, base_url: str, *, transport: httpx.BaseTransport | None = None, **options: Any
    ) -> None:
        super().__init__(base_url, **options)
        self._http = httpx.Client(base_url=self.base_url, timeout=self.timeout, transport=transport)
        self.resources = _Resources(self._execute, self)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Portal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def sign_in(self, user: str, password: str) -> None:
        """Open a session; the token is kept and never shown."""
        self._token = self._execute(
            self.resources.sign_in_plan(user, password), lambda d: d["token"]
        )

    def tariff(self, code: str, *, as_of: date | None = None) -> dict[str, Any]:
        return self.resources.tariff(code, as_of=as_of)

    def estimate(self, shipment: Shipment | Mapping[str, Any], **options: Any) -> dict[str, Any]:
        return self.resources.estimate(shipment, **options)

    def submit(self, cad: Declaration, **options: Any) -> dict[str, Any]:
        return self.resources.submit(cad, **options)

    def declaration(self, number: str) -> Declaration:
        return self.resources.declaration(number)

    def register_business(
        self, bn: str, *, legal_name: str, address: str, program_accounts: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Register a business; the signed-in user becomes its Business Account Manager."""
        body = {
            "bn": bn,
            "legal_name": legal_name,
            "address": address,
            "program_accounts": list(program_accounts),
        }
        return self.resources.post("/v1/businesses", body)

    def grant(self, *, to: str, account: str, role: str) -> dict[str, Any]:
        """Give a user or a provider (its BN9) a role on an account."""
        return self.resources.post("/v1/delegations", {"to": to, "account": account, "role": role})

    def request_access(
        self, *, account: str, role: str, provider: str | None = None, comment: str = ""
    ) -> dict[str, Any]:
        body = {"account": account, "role": role, "provider": provider, "comment": comment}
        return self.resources.post("/v1/delegation-requests", body)

    def approve(self, request_id: str) -> dict[str, Any]:
        return self.resources.post(f"/v1/delegation-requests/{request_id}/approve", {})

    def statement(self, account: str, released: date) -> dict[str, Any]:
        """The statement of the billing period that goods released on ``released`` belong to."""
        return self.resources.get(f"/v1/accounts/{account}/statements/{released.isoformat()}")

    def pay(
        self,
        account: str,
        amount: Decimal,
        *,
        received: date | None = None,
        allocations: Mapping[str, Decimal] | None = None,
    ) -> dict[str, Any]:
        body = {
            "amount": str(amount),
            "received": received.isoformat() if received else None,
            "allocations": allocations,
        }
        return self.resources.post(f"/v1/accounts/{account}/payments", body)

    def request_ruling(
        self, *, kind: str, applicant: str, product: Mapping[str, Any]
    ) -> dict[str, Any]:
        return self.resources.post(
            "/v1/rulings", {"kind": kind, "applicant": applicant, "product": dict(product)}
        )

    def ruling(self, ruling_id: str) -> dict[str, Any]:
        return self.resources.get(f"/v1/rulings/{ruling_id}")

    def transactions(self, account: str, *, page_size: int = 50) -> Iterator[Transaction]:
        """Every transaction of the account, fetching pages as it goes."""
        after = None
        while True:
            page = self._execute(self.resources.page_plan(account, after, page_size), lambda d: d)
            for item in page["data"]:
                yield _transaction(item, account)
            if not page["has_more"] or not page["data"]:
                return
            after = page["data"][-1]["number"]


class AsyncPortal(BaseClient):
    """The portal over HTTP, with ``async``/``await``; the same methods as :class:`Portal`."""

    def __init__(
        self, base_url: str, *, transport: httpx.AsyncBaseTransport | None = None, **options: Any
    ) -> None:
        super().__init__(base_url, **options)
        self._http = httpx.AsyncClient(
            base_url=self.base_url, timeout=self.timeout, transport=transport
        )
        self.resources = _Resources(self._execute, self)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncPortal:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _execute(self, plan: RequestPlan, parse: Parse) -> Any:
        attempt = 0
        while True:
            try:
                response = await self._http.request(
                    plan.method,
                    plan.path,
                    content=plan.json_body,
                    params=plan.params,
                    headers=plan.headers,
                )
            except httpx.TransportError as error:
                if self.should_retry(attempt, None):
                    await asyncio.sleep(self.delay(attempt, None))
                    attempt += 1
                    continue
                raise ConnectionFailed(
                    f"the portal could not be reached: {type(error).__name__}"
                ) from None
            if response.status_code >= 400:
                if self.should_retry(attempt, response.status_code):
                    await asyncio.sleep(self.delay(attempt, response.headers.get("retry-after")))
                    attempt += 1
                    continue
                raise self.error(
                    response.status_code, _body(response), response.headers.get("request-id")
                )
            return parse(response.json())

    async def sign_in(self, user: str, password: str) -> None:
        self._token = await self._execute(
            self.resources.sign_in_plan(user, password), lambda d: d["token"]
        )

    async def tariff(self, code: str, *, as_of: date | None = None) -> dict[str, Any]:
        return await self.resources.tariff(code, as_of=as_of)

    async def estimate(
        self, shipment: Shipment | Mapping[str, Any], **options: Any
    ) -> dict[str, Any]:
        return await self.resources.estimate(shipment, **options)

    async def submit(self, cad: Declaration, **options: Any) -> dict[str, Any]:
        return await self.resources.submit(cad, **options)

    async def declaration(self, number: str) -> Declaration:
        return await self.resources.declaration(number)

    async def transactions(
        self, account: str, *, page_size: int = 50
    ) -> AsyncIterator[Transaction]:
        after = None
        while True:
            page = await self._execute(
                self.resources.page_plan(account, after, page_size), lambda d: d
            )
            for item in page["data"]:
                yield _transaction(item, account)
            if not page["has_more"] or not page["data"]:
                return
            after = page["data"][-1]["number"]


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}

"""``Portal`` (sync) and ``AsyncPortal``: the same resources, over httpx, with retries."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, Self

import httpx

from carm.client._base import BaseClient, ConnectionFailed, RequestPlan
from carm.client._resources import (
    Businesses,
    Declarations,
    Delegations,
    Estimates,
    LedgerResource,
    NextPage,
    Pages,
    Parse,
    Rulings,
    Run,
    Tariff,
)

__all__ = ["AsyncPortal", "Portal", "SyncClient"]


class _PortalResources:
    """The resources every portal client carries, as attributes."""

    tariff: Tariff
    estimates: Estimates
    declarations: Declarations
    businesses: Businesses
    delegations: Delegations
    ledger: LedgerResource
    rulings: Rulings

    def _attach(self, client: BaseClient, run: Run, pages: Pages) -> None:
        self.tariff = Tariff(client, run, pages)
        self.estimates = Estimates(client, run, pages)
        self.declarations = Declarations(client, run, pages)
        self.businesses = Businesses(client, run, pages)
        self.delegations = Delegations(client, run, pages)
        self.ledger = LedgerResource(client, run, pages)
        self.rulings = Rulings(client, run, pages)


def _sign_in_plan(client: BaseClient, user: str, password: str) -> RequestPlan:
    return client.plan(
        "POST", "/v1/sessions", body=json.dumps({"user": user, "password": password})
    )


class SyncClient(BaseClient):
    """A :class:`BaseClient` that sends with ``httpx.Client`` (``self._http``), retrying as planned."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        headers: dict[str, str] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(base_url, **options)
        self._http = httpx.Client(base_url=self.base_url, timeout=self.timeout, transport=transport,
                                  verify=self.verify, headers=headers)  # fmt: skip

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _execute(self, plan: RequestPlan, parse: Parse) -> Any:
        attempt = 0
        while True:
            try:
                response: httpx.Response | None = self._http.request(**_request(plan))
                failure: httpx.TransportError | None = None
            except httpx.TransportError as error:
                response, failure = None, error
            again, value = _settle(self, attempt, response, failure, parse)
            if not again:
                return value
            time.sleep(value)
            attempt += 1


class Portal(SyncClient, _PortalResources):
    """The portal over HTTP, synchronously; resources as attributes (``portal.declarations``...).

    >>> Portal("http://127.0.0.1:8765", token="secret")
    Portal('http://127.0.0.1:8765', signed_in=True)
    """

    def __init__(
        self, base_url: str, *, transport: httpx.BaseTransport | None = None, **options: Any
    ) -> None:
        super().__init__(base_url, transport=transport, **options)
        self._attach(self, self._execute, self._pages)

    def sign_in(self, user: str, password: str) -> None:
        """Open a session; the token is kept and never shown."""
        self._token = self._execute(_sign_in_plan(self, user, password), lambda d: d["token"])

    def _pages(self, page: NextPage, parse: Parse) -> Iterator[Any]:
        after = None
        while True:
            found = self._execute(page(after), lambda d: d)
            yield from (parse(item) for item in found["data"])
            if not found["has_more"] or not found["data"]:
                return
            after = found["data"][-1]["number"]


class AsyncPortal(BaseClient, _PortalResources):
    """The portal over HTTP, with ``async``/``await``; the same resources as :class:`Portal`."""

    def __init__(
        self, base_url: str, *, transport: httpx.AsyncBaseTransport | None = None, **options: Any
    ) -> None:
        super().__init__(base_url, **options)
        self._http = httpx.AsyncClient(
            base_url=self.base_url, timeout=self.timeout, transport=transport, verify=self.verify
        )
        self._attach(self, self._execute, self._pages)

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
                response: httpx.Response | None = await self._http.request(**_request(plan))
                failure: httpx.TransportError | None = None
            except httpx.TransportError as error:
                response, failure = None, error
            again, value = _settle(self, attempt, response, failure, parse)
            if not again:
                return value
            await asyncio.sleep(value)
            attempt += 1

    async def sign_in(self, user: str, password: str) -> None:
        self._token = await self._execute(_sign_in_plan(self, user, password), lambda d: d["token"])

    async def _pages(self, page: NextPage, parse: Parse) -> AsyncIterator[Any]:
        after = None
        while True:
            found = await self._execute(page(after), lambda d: d)
            for item in found["data"]:
                yield parse(item)
            if not found["has_more"] or not found["data"]:
                return
            after = found["data"][-1]["number"]


def _request(plan: RequestPlan) -> dict[str, Any]:
    """The plan as httpx's ``request`` arguments."""
    return {"method": plan.method, "url": plan.path, "content": plan.json_body,
            "params": plan.params, "headers": plan.headers}  # fmt: skip


def _settle(
    client: BaseClient,
    attempt: int,
    response: httpx.Response | None,
    failure: httpx.TransportError | None,
    parse: Parse,
) -> tuple[bool, Any]:
    """What an attempt comes to, for both clients: ``(True, seconds to wait)`` to try again,
    ``(False, the parsed answer)``, or the typed error raised."""
    if response is None:
        if client.should_retry(attempt, None):
            return True, client.delay(attempt, None)
        raise ConnectionFailed(f"the portal could not be reached: {type(failure).__name__}")
    if response.status_code >= 400:
        if client.should_retry(attempt, response.status_code):
            return True, client.delay(attempt, response.headers.get("retry-after"))
        raise client.error(
            response.status_code, _body(response), response.headers.get("request-id")
        )
    return False, parse(response.json())


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}

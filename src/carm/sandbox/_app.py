"""The sandbox portal: an ASGI app (starlette) that serves the library over JSON.

State lives in one SQLite file: the delegation registry, the ledger, the declarations, sessions and
idempotency keys. Every request that writes holds one lock from reading the state to saving it, so
concurrent requests never lose a write. A POST with an ``Idempotency-Key`` that was seen before
gets the recorded answer again and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import secrets
import sqlite3
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from carm import rulings
from carm.auth import Registry
from carm.calendar import billing_period
from carm.declarations import assess, from_json, to_json
from carm.errors import (
    CarmError,
    InvalidFormat,
    InvalidType,
    NotAllowed,
    NotInEffect,
    UnknownCode,
    ValidationError,
    ValidationErrors,
)
from carm.estimate import estimate, shipment_from_dict
from carm.ledger import Kind, Ledger, Transaction
from carm.sandbox._openapi import OPENAPI
from carm.sandbox._responses import error_response, json_response, read_object
from carm.sandbox._tariff_service import tariff_service
from carm.sandbox._workflows import workflow_routes
from carm.serialization import converter, dumps
from carm.tariff import load_schedule
from carm.tariff.excise_codes import ExciseCodes

__all__ = ["OPENAPI", "Faults", "SandboxState", "create_app"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, user TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, status INTEGER, body TEXT);
CREATE TABLE IF NOT EXISTS declarations (number TEXT, version INTEGER, document TEXT, PRIMARY KEY (number, version));
CREATE TABLE IF NOT EXISTS passwords (user TEXT PRIMARY KEY, password TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rulings (id TEXT PRIMARY KEY, document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS officers (user TEXT PRIMARY KEY);
"""


@attrs.define
class Faults:
    """Misbehave on purpose, so clients can be tested against a portal that fails.

    The next ``unavailable`` requests answer 503 and the next ``resets`` have their connection
    cut after the work is done (the status line is sent, then the connection drops); after those,
    each request answers 503 with probability ``error_rate``, is cut with ``reset_rate``, and is
    slowed by ``slow_seconds`` with ``slow_rate``. ``delay`` slows every request. ``seed`` makes
    the draws repeatable.
    """

    unavailable: int = 0
    resets: int = 0
    error_rate: float = 0.0
    reset_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 1.0
    delay: float = 0.0
    seed: int | None = None
    injected: Counter[str] = attrs.field(init=False, factory=Counter)
    """How many 503s (``"503"``), cuts (``"reset"``) and slowdowns (``"slow"``) were served."""
    _random: random.Random = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        for name in ("error_rate", "reset_rate", "slow_rate"):
            share = getattr(self, name)
            if not 0 <= share <= 1:
                raise InvalidFormat(value=share, path=name, expected="a share from 0 to 1")
        self._random = random.Random(self.seed)

    def draw(self) -> tuple[bool, bool, float]:
        """(answer 503, cut the connection, seconds to wait) for the next request."""
        slow = self._random.random() < self.slow_rate
        if self.unavailable > 0:
            self.unavailable -= 1
            failing, cutting = True, False
        elif self.resets > 0:
            self.resets -= 1
            failing, cutting = False, True
        else:
            failing = self._random.random() < self.error_rate
            cutting = not failing and self._random.random() < self.reset_rate
        self.injected.update(
            name
            for name, happened in (("503", failing), ("reset", cutting), ("slow", slow))
            if happened
        )
        return failing, cutting, self.delay + (self.slow_seconds if slow else 0.0)


class _CutResponse(Response):
    """Sends the status line, then drops the connection: the client never sees the answer."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        raise ConnectionAbortedError("the sandbox cut the connection on purpose")


class SandboxState:
    """The sandbox's data: an SQLite file (or memory) holding everything the portal keeps."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        # WAL: a commit survives the process dying without an fsync each time; a sandbox need not
        # survive a power cut.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.lock = asyncio.Lock()
        self.registry = Registry()
        self.ledger = Ledger()
        if self.path != ":memory:":
            # A restart picks up where the last run stopped.
            with contextlib.suppress(CarmError, sqlite3.OperationalError):
                self.registry = Registry.load_sqlite(self.path)
            with contextlib.suppress(CarmError, sqlite3.OperationalError):
                self.ledger = Ledger.load_sqlite(self.path)

    def save(self) -> None:
        if self.path != ":memory:":
            self.registry.save_sqlite(self.path)
            self.ledger.save_sqlite(self.path)

    def add_user(self, user: str, *, name: str, password: str) -> None:
        self.registry.add_user(user, name=name)
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO passwords VALUES (?, ?)", (user, password))
        self.save()

    def add_officer(self, user: str, *, name: str, password: str) -> None:
        """A CBSA officer: decides rulings, holds no role on any business."""
        self.add_user(user, name=name, password=password)
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO officers VALUES (?)", (user,))

    def is_officer(self, user: str | None) -> bool:
        found = self.db.execute("SELECT 1 FROM officers WHERE user = ?", (user,)).fetchone()
        return found is not None


def _problems(error: CarmError) -> JSONResponse:
    if isinstance(error, ValidationErrors):
        items = [{"path": e.path, "message": str(e)} for e in error.errors]
        return error_response(422, "invalid", error.message, items)
    if isinstance(error, NotAllowed):
        return error_response(403, "forbidden", str(error))
    if isinstance(error, UnknownCode):
        return error_response(404, "not_found", str(error))
    if isinstance(error, ValidationError | NotInEffect):
        return error_response(
            422, "invalid", str(error), [{"path": error.path, "message": str(error)}]
        )
    return error_response(409, "conflict", str(error))


Handler = Callable[[Request], Awaitable[Response]]


def create_app(
    state: SandboxState | None = None,
    *,
    faults: Faults | None = None,
    excise_codes: ExciseCodes | None = None,
) -> Starlette:
    """The portal app over ``state`` (a fresh in-memory one by default).

    ``excise_codes``: what the tariff service emulation answers for ``exciseTaxes`` (none by
    default: carm bundles no excise tax codes; see :mod:`carm.tariff.excise_codes`).
    """
    store = state or SandboxState()
    misbehave = faults or Faults()
    request_ids = iter(range(1, 1 << 62))

    def handler(
        function: Callable[[Request, str | None], Awaitable[Response]],
        *,
        auth: bool = True,
        writes: bool = False,
    ) -> Handler:
        async def run(request: Request) -> Response:
            request_id = f"req_{next(request_ids):08d}"
            failing, cutting, wait = misbehave.draw()
            if wait:
                await asyncio.sleep(wait)
            if failing:
                response: Response = error_response(
                    503, "unavailable", "the sandbox is failing on purpose"
                )
                response.headers["Retry-After"] = "0"
            else:
                response = await _guarded(function, request, auth, writes)
            if cutting:
                response = _CutResponse(response.body, response.status_code)
            response.headers["Request-Id"] = request_id
            return response

        return run

    async def _guarded(
        function: Callable[[Request, str | None], Awaitable[Response]],
        request: Request,
        auth: bool,
        writes: bool,
    ) -> Response:
        user = None
        if auth:
            header = request.headers.get("authorization", "")
            token = header.removeprefix("Bearer ").strip()
            row = store.db.execute("SELECT user FROM sessions WHERE token = ?", (token,)).fetchone()
            if not token or row is None:
                return error_response(401, "unauthenticated", "sign in first: POST /v1/sessions")
            user = row[0]
        # Only a request that changes state needs its answer kept: replaying an estimate is harmless.
        key = request.headers.get("idempotency-key") if writes else None
        async with store.lock if writes else contextlib.nullcontext():
            if key is not None:
                seen = store.db.execute(
                    "SELECT status, body FROM idempotency WHERE key = ?", (key,)
                ).fetchone()
                if seen is not None:
                    return Response(seen[1], status_code=seen[0], media_type="application/json")
            try:
                response = await function(request, user)
            except CarmError as error:
                response = _problems(error)
            except json.JSONDecodeError as error:
                response = error_response(400, "bad_json", f"the body is not JSON: {error}")
            except (TypeError, ValueError, KeyError, AttributeError) as error:
                # A body of the wrong shape for the library call: the caller's mistake, said plainly.
                response = error_response(
                    400,
                    "bad_request",
                    f"the request does not fit the operation: {type(error).__name__}: {error}",
                )
            if key is not None and response.status_code < 500:
                with store.db:
                    store.db.execute(
                        "INSERT INTO idempotency VALUES (?, ?, ?)",
                        (key, response.status_code, bytes(response.body).decode()),
                    )
            if writes and response.status_code < 300:
                store.save()
            return response

    async def sign_in(request: Request, _: str | None) -> Response:
        body = await read_object(request)
        user, password = body.get("user"), body.get("password")
        if not (isinstance(user, str) and isinstance(password, str)):
            wrong = [InvalidType(value=value, path=name, expected="text")
                     for name, value in (("user", user), ("password", password)) if not isinstance(value, str)]  # fmt: skip
            raise ValidationErrors("cannot sign in", wrong)
        row = store.db.execute("SELECT password FROM passwords WHERE user = ?", (user,)).fetchone()
        if row is None or not secrets.compare_digest(str(row[0]).encode(), password.encode()):
            return error_response(401, "unauthenticated", "unknown user or wrong password")
        token = "sbx_" + secrets.token_urlsafe(24)
        with store.db:
            store.db.execute("INSERT INTO sessions VALUES (?, ?)", (token, user))
        return json_response({"token": token, "user": user}, 201)

    async def tariff_line(request: Request, _: str | None) -> Response:
        as_of = request.query_params.get("as_of")
        schedule = load_schedule(as_of=date.fromisoformat(as_of) if as_of else None)
        line = schedule.lookup(request.path_params["code"])
        return json_response({
            "code": line.code, "tariff_item": line.tariff_item, "hs6": line.hs6, "uom": line.uom,
            "description": line.description, "edition": line.edition,
            "rates": {k: r.text for k, r in line.rates.items()},
        })  # fmt: skip

    async def create_estimate(request: Request, _: str | None) -> Response:
        body = await read_object(request)
        return json_response(estimate(shipment_from_dict(body)).to_dict(), 201)

    def now() -> datetime:
        return datetime.now(tz=UTC)

    def permit(user: str | None, action: str, account: str, *, doing: str | None = None) -> None:
        """Refuse (403) unless ``user`` may do ``action`` on ``account`` now; ``doing`` words it."""
        decision = store.registry.check(user or "", action, account, at=now())
        if not decision.allowed:
            raise NotAllowed(
                f"{user} may not {doing or f'{action} on {account}'}: {decision.reason}",
                who=user or "",
            )

    async def submit_declaration(request: Request, user: str | None) -> Response:
        cad = from_json((await request.body()).decode())
        importer = cad.header.importer
        permit(user, "submit_cad", importer, doing=f"submit CADs for {importer}")
        number = cad.header.transaction_number
        if store.db.execute("SELECT 1 FROM declarations WHERE number = ?", (number,)).fetchone():
            return error_response(409, "conflict", f"CAD transaction {number} already in use")
        assessed = assess(cad)
        with store.db:
            store.db.execute(
                "INSERT INTO declarations VALUES (?, ?, ?)",
                (number, assessed.version, to_json(assessed, indent=None)),
            )
        store.ledger.post(
            Transaction(
                cad.header.importer,
                number,
                Kind.CAD,
                assessed.total,
                now().date(),
                cad.header.release_date,
            )
        )
        return json_response(
            {"transaction_number": number, "version": assessed.version, "total": assessed.total},
            201,
        )

    async def get_declaration(request: Request, _: str | None) -> Response:
        row = store.db.execute(
            "SELECT document FROM declarations WHERE number = ? ORDER BY version DESC",
            (request.path_params["number"],),
        ).fetchone()
        if row is None:
            return error_response(404, "not_found", "no such declaration")
        return Response(row[0], media_type="application/json")

    async def transactions(request: Request, user: str | None) -> Response:
        account = request.path_params["account"]
        decision = store.registry.check(user or "", "view_transactions", account, at=now())
        if not decision.allowed:
            raise NotAllowed(decision.reason, who=user or "")
        limit = min(int(request.query_params.get("limit", "50")), 500)
        after = request.query_params.get("starting_after")
        entries = list(store.ledger.transactions(account))
        start = next((i + 1 for i, t in enumerate(entries) if t.number == after), 0) if after else 0
        page = entries[start : start + limit]
        return json_response({
            "data": [{"number": t.number, "kind": Kind(t.kind).value, "amount": t.amount, "posted": t.posted,
                      "release_date": t.release_date} for t in page],
            "has_more": start + limit < len(entries),
        })  # fmt: skip

    async def register_business(request: Request, user: str | None) -> Response:
        body = await read_object(request)
        business = store.registry.register_business(
            str(body.get("bn", "")), legal_name=str(body.get("legal_name", "")),
            address=str(body.get("address", "")), manager=user or "", at=now(),
        )  # fmt: skip
        for account in body.get("program_accounts", []):
            store.registry.add_program_account(str(account), at=now())
        return json_response(
            {
                "bn": business.bn,
                "program_accounts": list(store.registry.businesses[business.bn].program_accounts),
            },
            201,
        )

    async def grant(request: Request, user: str | None) -> Response:
        body = await read_object(request)
        made = store.registry.grant(by=user or "", to=str(body.get("to", "")), account=str(body.get("account", "")),
                                    role=str(body.get("role", "")), at=now())  # fmt: skip
        return json_response(
            {"grant": made.id, "to": made.grantee, "account": made.scope, "role": made.role.value},
            201,
        )

    async def request_access(request: Request, user: str | None) -> Response:
        body = await read_object(request)
        requester = body.get("provider") or user or ""
        made = store.registry.request_access(str(requester), account=str(body.get("account", "")), role=str(body.get("role", "")),
                                             comment=str(body.get("comment", "")), by=user, at=now())  # fmt: skip
        return json_response({"request": made.id, "status": made.status}, 201)

    async def approve(request: Request, user: str | None) -> Response:
        made = store.registry.approve(request.path_params["id"], by=user or "", at=now())
        return json_response(
            {"grant": made.id, "to": made.grantee, "account": made.scope, "role": made.role.value},
            201,
        )

    async def statement(request: Request, user: str | None) -> Response:
        account = request.path_params["account"]
        permit(user, "view_transactions", account)
        released = date.fromisoformat(request.path_params["day"])
        return Response(
            store.ledger.statement(account, billing_period(released)).to_json(),
            media_type="application/json",
        )

    async def pay(request: Request, user: str | None) -> Response:
        account = request.path_params["account"]
        permit(user, "make_payment", account)
        body = await read_object(request)
        received = date.fromisoformat(body["received"]) if body.get("received") else now().date()
        payment, applied = store.ledger.pay(account=account, amount=body.get("amount", ""), received=received,
                                            allocations=body.get("allocations"), number=body.get("number"))  # fmt: skip
        return json_response(
            {
                "payment": payment.number,
                "applied": [{"to": a.debit, "amount": a.amount} for a in applied],
            },
            201,
        )

    async def request_ruling(request: Request, user: str | None) -> Response:
        body = await read_object(request)
        applicant = str(body.get("applicant", ""))
        permit(user, "request_ruling", applicant)
        product = rulings.Product(**body.get("product", {}))
        number = f"RUL-{store.db.execute('SELECT COUNT(*) FROM rulings').fetchone()[0] + 1:06d}"
        made = rulings.Ruling.request(
            number,
            kind=str(body.get("kind", "")),
            applicant=applicant,
            product=product,
            by=user or "",
            at=now(),
        )
        with store.db:
            store.db.execute(
                "INSERT INTO rulings VALUES (?, ?)", (made.id, dumps(made, indent=None))
            )
        return Response(dumps(made, indent=None), status_code=201, media_type="application/json")

    async def get_ruling(request: Request, user: str | None) -> Response:
        row = store.db.execute(
            "SELECT document FROM rulings WHERE id = ?", (request.path_params["id"],)
        ).fetchone()
        if row is None:
            return error_response(404, "not_found", "no such ruling")
        ruling = converter.structure(json.loads(row[0]), rulings.Ruling)
        permit(user, "view_rulings", ruling.applicant)
        return Response(row[0], media_type="application/json")

    document = json.dumps(OPENAPI).encode()

    async def openapi(request: Request, _: str | None) -> Response:
        return Response(document, media_type="application/json")

    routes = [
        Route("/v1/sessions", handler(sign_in, auth=False), methods=["POST"]),
        Route("/v1/tariff/classifications/{code}", handler(tariff_line), methods=["GET"]),
        Route("/v1/estimates", handler(create_estimate), methods=["POST"]),
        Route("/v1/declarations", handler(submit_declaration, writes=True), methods=["POST"]),
        Route("/v1/declarations/{number}", handler(get_declaration), methods=["GET"]),
        Route("/v1/accounts/{account}/transactions", handler(transactions), methods=["GET"]),
        Route("/v1/businesses", handler(register_business, writes=True), methods=["POST"]),
        Route("/v1/delegations", handler(grant, writes=True), methods=["POST"]),
        Route("/v1/delegation-requests", handler(request_access, writes=True), methods=["POST"]),
        Route(
            "/v1/delegation-requests/{id}/approve", handler(approve, writes=True), methods=["POST"]
        ),
        Route("/v1/accounts/{account}/statements/{day}", handler(statement), methods=["GET"]),
        Route("/v1/accounts/{account}/payments", handler(pay, writes=True), methods=["POST"]),
        Route("/v1/rulings", handler(request_ruling, writes=True), methods=["POST"]),
        Route("/v1/rulings/{id}", handler(get_ruling), methods=["GET"]),
        Route("/v1/tariff-srv/{rest:path}", tariff_service, methods=["GET"]),
        Route("/openapi.json", handler(openapi, auth=False), methods=["GET"]),
        *workflow_routes(store, handler, permit, now),
    ]
    app = Starlette(routes=routes)
    app.state.carm = store
    app.state.faults = misbehave
    app.state.excise_codes = excise_codes or ExciseCodes(())
    return app

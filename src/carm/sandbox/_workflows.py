"""The sandbox's longer workflows: CAD checks, corrections and history; ruling decisions;
classification; daily notices. Mounted by :func:`carm.sandbox.create_app`.

A correction or adjustment is a new version of the CAD under the same transaction number
(``carm.declarations.amend``). The ledger keeps one number per posting, so the sandbox posts the
difference under a number it issues from the original's account security prefix, sequences from
:data:`AMENDMENT_SEQUENCE_START` up, with ``relates_to`` naming the CAD, dated the day it is
received. ``on`` in the request (default: today) lets a test make the change as of another day,
which decides correction (by the payment due date) or adjustment (after it).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Final, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from carm import rulings
from carm.declarations import DeclarationError, diff, from_json, to_json, validate
from carm.errors import InvalidFormat, NotAllowed
from carm.identifiers import transaction_number
from carm.ledger import Kind, Transaction
from carm.sandbox._responses import error_response, json_response, read_object
from carm.serialization import converter, dumps
from carm.tariff import classify

if TYPE_CHECKING:
    from carm.sandbox._app import SandboxState

__all__ = ["AMENDMENT_SEQUENCE_START", "workflow_routes"]

AMENDMENT_SEQUENCE_START: Final = 90_000_001
"""The first sequence the sandbox uses to number the ledger postings of corrections."""

Endpoint = Callable[[Request, str | None], Awaitable[Response]]
Handler = Callable[[Request], Awaitable[Response]]

_OFFICER_MOVES: Final = ("accept", "request_information", "issue", "refuse", "decide_review")
_APPLICANT_MOVES: Final = ("respond", "withdraw", "request_review")
_MOVE_FIELDS: Final = {
    "request_information": ("what", "days"),
    "respond": ("note",),
    "issue": ("classification", "note"),
    "refuse": ("reason",),
    "request_review": ("note",),
    "decide_review": ("outcome",),
}


class Wrap(Protocol):
    def __call__(self, function: Endpoint, *, auth: bool = ..., writes: bool = ...) -> Handler: ...


def workflow_routes(
    store: SandboxState,
    wrap: Wrap,
    permit: Callable[[str | None, str, str], None],
    now: Callable[[], datetime],
) -> list[Route]:
    """The routes, over the app's ``store`` and its request ``wrap`` (auth, locking, faults)."""

    def versions(number: str) -> list[str]:
        rows = store.db.execute(
            "SELECT document FROM declarations WHERE number = ? ORDER BY version", (number,)
        ).fetchall()
        return [row[0] for row in rows]

    async def check_declaration(request: Request, _: str | None) -> Response:
        cad = from_json((await request.body()).decode())
        try:
            validate(cad)
        except DeclarationError as error:
            problems = [{"path": e.path, "message": str(e)} for e in error.errors]
            return json_response({"valid": False, "errors": problems})
        return json_response({"valid": True, "errors": []})

    async def history(request: Request, user: str | None) -> Response:
        documents = versions(request.path_params["number"])
        if not documents:
            return error_response(404, "not_found", "no such declaration")
        importer = json.loads(documents[0])["header"]["importer"]
        permit(user, "view_transactions", importer)
        return Response(f"[{','.join(documents)}]", media_type="application/json")

    async def amend(request: Request, user: str | None) -> Response:
        number = request.path_params["number"]
        documents = versions(number)
        if not documents:
            return error_response(404, "not_found", "no such declaration")
        latest = from_json(documents[-1])
        permit(user, "submit_cad", latest.header.importer)
        body = await read_object(request)
        changes = body.get("changes")
        if not isinstance(changes, dict):
            raise InvalidFormat(value=changes, path="changes", expected="an object of path: value")
        on = date.fromisoformat(str(body["on"])) if body.get("on") else now().date()
        believed = body.get("reason_to_believe")
        new = latest.correct(
            changes,
            reasons=list(body.get("reasons") or []),
            on=on,
            reason_to_believe=date.fromisoformat(str(believed)) if believed else None,
        )
        difference = diff(latest, new).total
        posting = None
        if difference:
            # The ledger first: a refused posting leaves no new version behind.
            earlier = store.db.execute("SELECT COUNT(*) FROM declarations WHERE version > 1")
            posting = transaction_number.make(
                account_security=transaction_number.account_security(number),
                sequence=AMENDMENT_SEQUENCE_START + earlier.fetchone()[0],
            )
            store.ledger.post(
                Transaction(
                    latest.header.importer,
                    posting,
                    Kind.CORRECTION if new.kind == "correction" else Kind.ADJUSTMENT,
                    difference,
                    now().date(),
                    relates_to=number,
                    description=f"version {new.version}: {', '.join(new.reasons)}",
                )
            )
        with store.db:
            store.db.execute(
                "INSERT INTO declarations VALUES (?, ?, ?)",
                (number, new.version, to_json(new, indent=None)),
            )
        return json_response(
            {
                "transaction_number": number,
                "version": new.version,
                "kind": new.kind,
                "total": new.total,
                "difference": difference,
                "ledger_number": posting,
            },
            201,
        )

    async def classify_text(request: Request, _: str | None) -> Response:
        text = request.query_params.get("text", "")
        limit = request.query_params.get("limit", "5")
        if not limit.isdigit():
            raise InvalidFormat(value=limit, path="limit", expected="a positive int")
        found = classify(text, limit=int(limit))
        return json_response([
            {"hs6": c.hs6, "code": c.code, "score": round(c.score, 4), "evidence": list(c.evidence),
             "path": [list(step) for step in c.path]} for c in found
        ])  # fmt: skip

    async def notice(request: Request, user: str | None) -> Response:
        account = request.path_params["account"]
        permit(user, "view_transactions", account)
        day = date.fromisoformat(request.path_params["day"])
        return Response(
            store.ledger.daily_notice(account, day).to_json(), media_type="application/json"
        )

    async def move_ruling(request: Request, user: str | None) -> Response:
        ruling_id, action = (
            request.path_params["id"],
            request.path_params["action"].replace("-", "_"),
        )
        if action not in _OFFICER_MOVES + _APPLICANT_MOVES:
            return error_response(404, "not_found", f"no action {action}")
        row = store.db.execute("SELECT document FROM rulings WHERE id = ?", (ruling_id,)).fetchone()
        if row is None:
            return error_response(404, "not_found", "no such ruling")
        ruling = converter.structure(json.loads(row[0]), rulings.Ruling)
        if action in _OFFICER_MOVES:
            if not store.is_officer(user):
                raise NotAllowed(f"only a CBSA officer may {action} a ruling", who=user or "")
        else:
            permit(user, "request_ruling", ruling.applicant)
        body = await read_object(request) if await request.body() else {}
        fields = {name: body[name] for name in _MOVE_FIELDS.get(action, ()) if name in body}
        moved = getattr(ruling, action)(by=user or "", at=now(), **fields)
        document = dumps(moved, indent=None)
        with store.db:
            store.db.execute("UPDATE rulings SET document = ? WHERE id = ?", (document, ruling_id))
        return Response(document, media_type="application/json")

    return [
        Route("/v1/declarations/validate", wrap(check_declaration), methods=["POST"]),
        Route("/v1/declarations/{number}/versions", wrap(history), methods=["GET"]),
        Route("/v1/declarations/{number}/versions", wrap(amend, writes=True), methods=["POST"]),
        Route("/v1/tariff/classify", wrap(classify_text), methods=["GET"]),
        Route("/v1/accounts/{account}/notices/{day}", wrap(notice), methods=["GET"]),
        Route("/v1/rulings/{id}/{action}", wrap(move_ruling, writes=True), methods=["POST"]),
    ]

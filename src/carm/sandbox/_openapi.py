"""The sandbox's OpenAPI document: every operation, its parameters and the shape of its body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from carm.auth import Role
from carm.rulings import KINDS

__all__ = ["OPENAPI"]

_TEXT: Final = {"type": "string"}
_DAY: Final = {"type": "string", "format": "date"}
_AMOUNT: Final = {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$"}
_ROLE: Final = {"type": "string", "enum": [role.value for role in Role]}


def _object(required: tuple[str, ...] = (), **properties: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


def _path(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "path", "required": True, "schema": _TEXT} for n in names]


def _query(**schemas: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "required": False, "schema": s} for n, s in schemas.items()]


def _op(
    summary: str,
    status: str = "200",
    body: Mapping[str, Any] | None = None,
    parameters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {status: {"description": "OK"}, "4XX": {"description": "error"}},
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if parameters:
        operation["parameters"] = parameters
    return operation


_SHIPMENT: Final = _object(
    ("release_date", "lines"),
    province=_TEXT,
    release_date=_DAY,
    exchange_rates={"type": "object", "additionalProperties": _TEXT},
    lines={"type": "array", "items": _object(
        ("classification", "value", "currency", "origin"),
        classification=_TEXT, value=_AMOUNT, currency=_TEXT, origin=_TEXT,
        quantity={"type": ["string", "number"]}, description=_TEXT,
    )},
)  # fmt: skip
_CAD: Final = _object(("header", "invoices"), header={"type": "object"},
                      invoices={"type": "array", "items": {"type": "object"}})  # fmt: skip
_MOVE: Final = _object(what=_TEXT, days={"type": "integer", "minimum": 30}, note=_TEXT,
                       classification=_TEXT, reason=_TEXT, outcome=_TEXT)  # fmt: skip
_CREATED: Final = "201"

OPENAPI: Final = {
    "openapi": "3.1.0",
    "info": {"title": "carm sandbox portal", "version": "1"},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/v1/sessions": {"post": {
            **_op("Sign in; returns a bearer token", _CREATED, _object(("user", "password"), user=_TEXT, password=_TEXT)),
            "security": [],
        }},
        "/v1/tariff/classifications/{code}": {
            "get": _op("A tariff line and its rates", parameters=_path("code") + _query(as_of=_DAY))
        },
        "/v1/tariff/classify": {"get": _op(
            "Likely classifications of a description",
            parameters=_query(text=_TEXT, limit={"type": "integer", "minimum": 1}),
        )},
        "/v1/estimates": {"post": _op("Estimate duties and taxes on a shipment", _CREATED, _SHIPMENT)},
        "/v1/declarations": {"post": _op("Submit a CAD", _CREATED, _CAD)},
        "/v1/declarations/validate": {"post": _op("Check a CAD: every problem with its path", body=_CAD)},
        "/v1/declarations/{number}": {"get": _op("The latest version of a CAD", parameters=_path("number"))},
        "/v1/declarations/{number}/versions": {
            "get": _op("Every version of a CAD, oldest first", parameters=_path("number")),
            "post": _op(
                "Correct or adjust a CAD", _CREATED,
                _object(("changes", "reasons"), changes={"type": "object"},
                        reasons={"type": "array", "items": _TEXT}, on=_DAY, reason_to_believe=_DAY),
                _path("number"),
            ),
        },
        "/v1/accounts/{account}/transactions": {"get": _op(
            "The account's transactions, a page at a time",
            parameters=_path("account") + _query(limit={"type": "integer", "minimum": 1}, starting_after=_TEXT),
        )},
        "/v1/accounts/{account}/statements/{day}": {
            "get": _op("The statement of a billing period", parameters=_path("account", "day"))
        },
        "/v1/accounts/{account}/notices/{day}": {
            "get": _op("The daily notice of a day", parameters=_path("account", "day"))
        },
        "/v1/accounts/{account}/payments": {"post": _op(
            "Record and apply a payment", _CREATED,
            _object(("amount",), amount=_AMOUNT, received=_DAY,
                    allocations={"type": "object", "additionalProperties": _AMOUNT}),
            _path("account"),
        )},
        "/v1/businesses": {"post": _op("Register a business", _CREATED, _object(
            ("bn", "legal_name"), bn=_TEXT, legal_name=_TEXT, address=_TEXT,
            program_accounts={"type": "array", "items": _TEXT},
        ))},
        "/v1/delegations": {"post": _op(
            "Grant a role", _CREATED, _object(("to", "account", "role"), to=_TEXT, account=_TEXT, role=_ROLE)
        )},
        "/v1/delegation-requests": {"post": _op("Ask for a role", _CREATED, _object(
            ("account", "role"), account=_TEXT, role=_ROLE, provider=_TEXT, comment=_TEXT
        ))},
        "/v1/delegation-requests/{id}/approve": {
            "post": _op("Approve a request", _CREATED, _object(), _path("id"))
        },
        "/v1/rulings": {"post": _op("Request a ruling", _CREATED, _object(
            ("kind", "applicant", "product"), kind={"type": "string", "enum": sorted(KINDS)}, applicant=_TEXT,
            product=_object(("description",), description=_TEXT, materials=_TEXT, use=_TEXT,
                            proposed_classification=_TEXT, documents={"type": "array", "items": _TEXT}),
        ))},
        "/v1/rulings/{id}": {"get": _op("A ruling and its history", parameters=_path("id"))},
        "/v1/rulings/{id}/{action}": {"post": _op(
            "Move a ruling: accept, request-information, respond, issue, refuse, withdraw, "
            "request-review, decide-review", body=_MOVE, parameters=_path("id", "action"),
        )},
    },
}  # fmt: skip

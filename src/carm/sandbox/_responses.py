"""The sandbox's JSON answers and request bodies, shared by its route modules."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from carm.errors import InvalidFormat
from carm.serialization import dumps

__all__ = ["error_response", "json_response", "read_object"]


def error_response(
    status: int, code: str, message: str, errors: list[dict[str, str]] | None = None
) -> JSONResponse:
    """``{"error": {"code", "message", "errors"?}}``, the one error shape of the portal API."""
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if errors:
        body["error"]["errors"] = errors
    return JSONResponse(body, status_code=status)


def json_response(value: Any, status: int = 200) -> Response:
    """``value`` through carm's serialiser: Decimals and dates as strings."""
    return Response(dumps(value, indent=None), status_code=status, media_type="application/json")


async def read_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object, numbers with decimals as Decimal."""
    body = json.loads(await request.body(), parse_float=Decimal)
    if not isinstance(body, dict):
        raise InvalidFormat(
            "the body must be a JSON object", value=type(body).__name__, path="body"
        )
    return body

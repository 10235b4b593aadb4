"""What the sync and async portal clients share: requests, auth, errors, retries (no I/O here)."""

from __future__ import annotations

import functools
import random
import ssl
import uuid
from collections.abc import Mapping
from typing import Any, Final

import attrs

from carm.errors import CarmError

__all__ = [
    "APIError",
    "AuthenticationError",
    "BaseClient",
    "ConflictError",
    "ConnectionFailed",
    "ForbiddenError",
    "InvalidRequestError",
    "NotFoundError",
    "RateLimitedError",
    "RequestPlan",
    "ServerError",
]

_RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})


class APIError(CarmError):
    """The portal answered with an error: ``status``, ``code``, ``request_id`` and ``errors``."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "", request_id: str | None = None,
                 errors: tuple[dict[str, str], ...] = ()) -> None:  # fmt: skip
        self.message, self.status, self.code, self.request_id, self.errors = (
            message,
            status,
            code,
            request_id,
            errors,
        )
        prefix = f"[{request_id}] " if request_id else ""
        super().__init__(f"{prefix}{message}" + (f" (HTTP {status})" if status else ""))


class AuthenticationError(APIError):
    """401: no valid session."""


class ForbiddenError(APIError):
    """403: the signed-in user lacks the delegation (``carm.auth``)."""


class NotFoundError(APIError):
    """404."""


class ConflictError(APIError):
    """409: already there (a transaction number in use, say)."""


class InvalidRequestError(APIError):
    """400 or 422: the request was refused; ``errors`` lists each problem with its path."""


class RateLimitedError(APIError):
    """429, after the retries ran out."""


class ServerError(APIError):
    """5xx, after the retries ran out."""


class ConnectionFailed(APIError):
    """The portal could not be reached, after the retries ran out."""


_BY_STATUS: Final[Mapping[int, type[APIError]]] = {
    400: InvalidRequestError, 401: AuthenticationError, 403: ForbiddenError, 404: NotFoundError,
    409: ConflictError, 422: InvalidRequestError, 429: RateLimitedError,
}  # fmt: skip


@attrs.frozen
class RequestPlan:
    method: str
    path: str
    json_body: str | None
    params: Mapping[str, str]
    headers: Mapping[str, str]


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every client: httpx would build one per client, reading the
    CA bundle each time (~25 ms, most of the cost of a short-lived client)."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


class BaseClient:
    """Configuration and the logic of requests; subclasses only send them.

    Retries: connection errors, 429 and 5xx, at most ``max_retries`` times, waiting an exponential
    backoff from ``initial_delay`` capped at ``max_delay``, with jitter (half to all of it), or the
    server's ``Retry-After`` when it gives one. Every POST carries an ``Idempotency-Key`` (the same
    one on each retry), so a retried submission is recorded once.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        initial_delay: float = 0.5,
        max_delay: float = 5.0,
        verify: ssl.SSLContext | bool | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # ``verify``: a TLS context of the caller's, or False to not verify; by default, the shared one.
        self.verify = default_ssl_context() if verify is None or verify is True else verify
        self._token = token
        self.timeout = timeout
        self.max_retries = max_retries
        self.initial_delay = initial_delay
        self.max_delay = max_delay
        self._random = random.Random()

    def __repr__(self) -> str:  # never shows the token
        return f"{type(self).__name__}({self.base_url!r}, signed_in={self._token is not None})"

    def plan(self, method: str, path: str, *, body: str | None = None, params: Mapping[str, str] | None = None,
             idempotency_key: str | None = None) -> RequestPlan:  # fmt: skip
        headers = {"Accept": "application/json", "User-Agent": "carm"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        if method == "POST":
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        return RequestPlan(method, path, body, dict(params or {}), headers)

    def should_retry(self, attempt: int, status: int | None) -> bool:
        return attempt < self.max_retries and (status is None or status in _RETRY_STATUSES)

    def delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_delay)  # float ok: seconds
            except ValueError:
                pass
        full = min(self.initial_delay * (2**attempt), self.max_delay)
        return max(
            self._random.uniform(full / 2, full), self.initial_delay if attempt == 0 else 0.0
        )

    def error(self, status: int, body: Any, request_id: str | None) -> APIError:
        detail = body.get("error", {}) if isinstance(body, dict) else {}
        kind = _BY_STATUS.get(status, ServerError if status >= 500 else APIError)
        errors = tuple(detail.get("errors", ()))
        message = detail.get("message", f"HTTP {status}")
        if isinstance(message, dict):  # OData writes {"lang": ..., "value": ...}
            message = message.get("value", "")
        return kind(str(message), status=status, code=str(detail.get("code", "")),
                    request_id=request_id, errors=errors)  # fmt: skip

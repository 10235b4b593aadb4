"""Clients of a CARM-style portal over HTTP (extra ``http``): ``Portal`` and ``AsyncPortal``.

They talk to the sandbox (``carm sandbox serve``) or any server with its API; see docs/portal.md.
"""

from carm.client._base import (
    APIError,
    AuthenticationError,
    ConflictError,
    ConnectionFailed,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from carm.client._portal import AsyncPortal, Portal
from carm.client._tariff_service import CBSA_TARIFF_SERVICE, CBSATariffService

__all__ = [
    "CBSA_TARIFF_SERVICE",
    "APIError",
    "AsyncPortal",
    "AuthenticationError",
    "CBSATariffService",
    "ConflictError",
    "ConnectionFailed",
    "ForbiddenError",
    "InvalidRequestError",
    "NotFoundError",
    "Portal",
    "RateLimitedError",
    "ServerError",
]

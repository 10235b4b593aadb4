"""Roles, actions and the records of the registry: users, businesses, grants, requests, events.

Sources: ``reference/cbsa-carm-facts.md`` section 4 (CBSA portal guides r1-3, r1-4, r1-5; the
CARM Trade Chain Partner User Guide's contents; Cole's summary of the roles).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Final

import attrs

__all__ = [
    "ACTIONS",
    "PERMISSIONS",
    "Action",
    "AuditEvent",
    "Business",
    "ClientGroup",
    "Decision",
    "Grant",
    "Request",
    "Role",
    "User",
]


class Role(enum.Enum):
    """Employee and third-party roles, strongest first."""

    # Members equal only themselves, so identity hashing is consistent, and in C: Enum's own
    # __hash__ is Python code, a tenth of a permission check.
    __hash__ = object.__hash__

    BUSINESS_ACCOUNT_MANAGER = "business_account_manager"
    PROGRAM_ACCOUNT_MANAGER = "program_account_manager"
    EDITOR = "editor"
    READER = "reader"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def manages(self) -> bool:
        """Whether the role can delegate: only account managers can (CBSA portal guide r1-3)."""
        return self in (Role.BUSINESS_ACCOUNT_MANAGER, Role.PROGRAM_ACCOUNT_MANAGER)


_RANKS: Final = {
    Role.BUSINESS_ACCOUNT_MANAGER: 4,
    Role.PROGRAM_ACCOUNT_MANAGER: 3,
    Role.EDITOR: 2,
    Role.READER: 1,
}


class Action(enum.Enum):
    __hash__ = object.__hash__  # as Role's
    VIEW_ACCOUNT = "view_account"
    VIEW_TRANSACTIONS = "view_transactions"
    MAKE_PAYMENT = "make_payment"
    SUBMIT_CAD = "submit_cad"
    CORRECT_CAD = "correct_cad"
    REQUEST_RULING = "request_ruling"
    VIEW_RULINGS = "view_rulings"
    MANAGE_FINANCIAL_SECURITY = "manage_financial_security"
    MANAGE_EMPLOYEES = "manage_employees"
    MANAGE_THIRD_PARTIES = "manage_third_parties"


ACTIONS: Final = frozenset(Action)

_READ: Final = frozenset({Action.VIEW_ACCOUNT, Action.VIEW_TRANSACTIONS, Action.VIEW_RULINGS})
_EDIT: Final = _READ | {Action.SUBMIT_CAD, Action.CORRECT_CAD, Action.REQUEST_RULING}
_MANAGE: Final = frozenset(Action)

PERMISSIONS: Final[Mapping[Role, frozenset[Action]]] = MappingProxyType(
    {
        Role.BUSINESS_ACCOUNT_MANAGER: _MANAGE,
        Role.PROGRAM_ACCOUNT_MANAGER: _MANAGE,
        Role.EDITOR: _EDIT,
        Role.READER: _READ,
    }
)
"""Which role may do which action: the one table.

- Business and Program Account Managers: everything, the first on the business and all its
  program accounts, the second on one program account (CBSA portal guides r1-3, r1-4; Cole).
- Editor: create, edit and view transaction information (the guide's words): view, submit and
  correct CADs, request and view rulings. Whether an editor may pay was not found; by default
  only managers may (``make_payment``).
- Reader: view only.
"""


@attrs.frozen
class User:
    id: str
    name: str


@attrs.frozen
class Business:
    """A business account (BN9): an importer, or a service provider (broker, consultant)."""

    bn: str
    legal_name: str
    address: str
    program_accounts: tuple[str, ...] = ()


@attrs.frozen
class Grant:
    """A role on a scope (a BN9 or a BN15, or a client group) held by a user or a provider business.

    ``depends_on`` are the grants that gave the granter the authority to make this one: when any of
    them stops being valid, so does this (the revocation cascade). Registration grants depend on
    nothing.
    """

    id: str
    grantee: str  # a user id, or a provider's BN9 for a third-party relationship
    scope: str  # BN9, BN15, or "group:<provider BN9>:<name>"
    role: Role
    granted_by: str  # a user id, or "registration"
    start: datetime
    end: datetime | None = None
    depends_on: tuple[str, ...] = ()
    revoked_at: datetime | None = None
    provider: str | None = None  # for an employee's assignment: the provider it works for

    def active(self, at: datetime) -> bool:
        """Within its dates and not revoked (its dependencies are checked separately)."""
        if at < self.start or (self.end is not None and at >= self.end):
            return False
        return self.revoked_at is None or at < self.revoked_at


@attrs.frozen
class Request:
    id: str
    requester: str  # a user id, or a provider BN9 for a relationship
    scope: str
    role: Role
    created_at: datetime
    comment: str = ""
    status: str = "pending"  # pending, approved, rejected
    decided_by: str | None = None
    grant: str | None = None


@attrs.frozen
class ClientGroup:
    """A service provider's named group of clients (CBSA portal guide r1-5)."""

    provider: str
    name: str
    clients: frozenset[str] = frozenset()
    deleted: bool = False

    @property
    def scope(self) -> str:
        return f"group:{self.provider}:{self.name}"


@attrs.frozen
class AuditEvent:
    at: datetime
    who: str
    what: str
    details: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class Decision:
    """The answer to a permission check: allowed or not, why, and the chain of grants behind it."""

    allowed: bool
    reason: str
    via: tuple[Grant, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed

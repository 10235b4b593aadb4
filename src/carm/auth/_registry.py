"""The registry: who holds which role on which account, who gave it, and the checks.

The rules, from the CARM Client Portal (``reference/cbsa-carm-facts.md`` section 4):

- A business (BN9) is registered by the person who becomes its first Business Account Manager.
- Employees and service providers ask for access; a manager with authority approves or rejects.
  Business Account Managers have authority over the whole business, Program Account Managers over
  their program account only; editors and readers have none. Managers may also grant directly,
  edit and revoke.
- Nobody grants more than they hold. A grant depends on the grant that gave its granter the
  authority; when that one ends or is revoked, everything that depended on it stops too.
- A service provider (a business itself) holds a relationship on a client; its own Business
  Account Managers assign its employees to clients or to client groups, never beyond the
  relationship's role.
- Deny by default: an unknown user, account or action, an expired or revoked grant, is refused
  with the reason.

Delegation expiry and the exact powers of a third-party Program Account Manager were not found
(section 4.4): grants end only when given an end or revoked, and assignments give their actions on
the client but not the power to delegate further there.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from bisect import bisect_right
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import attrs

from carm.auth._model import (
    PERMISSIONS,
    Action,
    AuditEvent,
    Business,
    ClientGroup,
    Decision,
    Grant,
    Request,
    Role,
    User,
)
from carm.errors import (
    InvalidFormat,
    InvalidState,
    NotAllowed,
    UnknownCode,
    enum_member,
)
from carm.identifiers import bn
from carm.serialization import converter

__all__ = ["Registry"]

_REGISTRATION: Final = "registration"
_GROUP: Final = "group:"


_ACTIONS: Final[dict[object, Action]] = {**{a: a for a in Action}, **{a.value: a for a in Action}}

# Decision timelines kept before the table is emptied: bounds memory under arbitrary queries.
_TIMELINES_KEPT: Final = 200_000  # about 600 bytes each


def _now() -> datetime:
    return datetime.now(tz=UTC)


def _role(value: Role | str) -> Role:
    return enum_member(Role, value, path="role", what="a role", clean=_folded)


def _folded(value: object) -> str:
    return str(value).strip().lower()


_Timeline = tuple[tuple[datetime, ...], list[Decision | None]]


class Registry:
    """Businesses, program accounts, users, grants, requests and client groups, with an audit log."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.businesses: dict[str, Business] = {}
        self._program_owner: dict[str, str] = {}
        self.grants: dict[str, Grant] = {}
        self._by_grantee: dict[str, list[str]] = {}
        self._dependants: dict[str, list[str]] = {}
        self.requests: dict[str, Request] = {}
        self.groups: dict[tuple[str, str], ClientGroup] = {}
        self._group_names: set[tuple[str, str]] = set()
        self.events: list[AuditEvent] = []
        self._last_id = 0
        # Derived for checks, emptied by _changed(): each grant with everything it depends on, and
        # each (user, action, account) asked about with its decisions over time (see check()).
        self._chains: dict[str, tuple[Grant, ...]] = {}
        self._reasons: dict[str, str] = {}
        self._timelines: dict[tuple[str, object, str], _Timeline] = {}

    def _changed(self) -> None:
        self._chains.clear()
        self._timelines.clear()

    # --- people and accounts ------------------------------------------------------------------

    def _log(self, at: datetime, who: str, what: str, **details: object) -> None:
        self.events.append(AuditEvent(at, who, what, {k: str(v) for k, v in details.items()}))

    def _next(self, prefix: str) -> str:
        self._last_id += 1
        return f"{prefix}-{self._last_id}"

    def add_user(self, user_id: str, *, name: str, at: datetime | None = None) -> User:
        """Add a person, by the opaque subject id of their sign-in provider."""
        if not isinstance(user_id, str) or not user_id.strip():
            raise InvalidFormat("a user needs an id", value=user_id, path="user_id")
        if user_id in self.users:
            raise InvalidState(f"user {user_id!r} already exists")
        self.users[user_id] = User(user_id, name)
        self._log(at or _now(), user_id, "add user", name=name)
        return self.users[user_id]

    def _user(self, user_id: str) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise UnknownCode("no such user", value=user_id, path="user")
        return user

    def register_business(
        self,
        bn9: str,
        *,
        legal_name: str,
        address: str,
        manager: str,
        at: datetime | None = None,
        confirm: dict[str, object] | None = None,
        ledger: Any = None,
        program_account: str | None = None,
    ) -> Business:
        """Register a business; ``manager`` becomes its first Business Account Manager.

        The portal confirms registration with facts from the account's ledger (balance, last
        transaction number, last payment amount). With a ``ledger`` (a :class:`carm.ledger.Ledger`)
        and a ``program_account``, ``confirm`` must match its
        :meth:`~carm.ledger.Ledger.registration_facts`.
        """
        at = at or _now()
        number = bn.validate_bn9(bn9, path="bn")
        self._user(manager)
        if number in self.businesses:
            raise InvalidState(f"business {number} is already registered")
        if ledger is not None:
            facts = ledger.registration_facts(program_account or "")
            expected = {
                "balance": facts.balance,
                "last_transaction_number": facts.last_transaction_number,
                "last_payment_amount": facts.last_payment_amount,
            }
            given = confirm or {}
            wrong = [k for k, v in expected.items() if str(given.get(k)) != str(v)]
            if wrong:
                raise NotAllowed(
                    "the registration facts do not match the account's ledger: " + ", ".join(wrong),
                    who=manager,
                )
        self.businesses[number] = Business(number, legal_name, address)
        grant = Grant(
            self._next("grant"), manager, number, Role.BUSINESS_ACCOUNT_MANAGER, _REGISTRATION, at
        )
        self._store(grant)
        self._log(at, manager, "register business", business=number, grant=grant.id)
        if program_account is not None:
            self.add_program_account(program_account, at=at)
        return self.businesses[number]

    def add_program_account(self, bn15: str, *, at: datetime | None = None) -> str:
        """Add a program account to its registered business (the portal links them)."""
        number = bn.validate_bn15(bn15, path="bn15")
        owner = number[:9]
        business = self.businesses.get(owner)
        if business is None:
            raise UnknownCode("its business is not registered", value=bn15, path="bn15")
        if number not in self._program_owner:
            self._program_owner[number] = owner
            self.businesses[owner] = attrs.evolve(
                business, program_accounts=(*business.program_accounts, number)
            )
            self._log(at or _now(), _REGISTRATION, "add program account", account=number)
        return number

    def _scope(self, account: str) -> str:
        if isinstance(account, str) and account.startswith(_GROUP):
            return account
        compact = bn.compact(account)
        if len(compact) == 9 and compact in self.businesses:
            return compact
        if len(compact) == 15 and compact in self._program_owner:
            return compact
        raise UnknownCode("no such business or program account", value=account, path="account")

    # --- grants ---------------------------------------------------------------------------------

    def _store(self, grant: Grant) -> None:
        self._changed()
        self.grants[grant.id] = grant
        self._by_grantee.setdefault(grant.grantee, []).append(grant.id)
        for parent in grant.depends_on:
            self._dependants.setdefault(parent, []).append(grant.id)

    def _lineage(self, grant: Grant) -> tuple[Grant, ...]:
        """The grant and everything it depends on, nearest first."""
        lineage = self._chains.get(grant.id)
        if lineage is None:
            found = [grant]
            for parent in grant.depends_on:
                found.extend(self._lineage(self.grants[parent]))
            lineage = self._chains[grant.id] = tuple(found)
        return lineage

    def _chain(self, grant: Grant, at: datetime) -> tuple[Grant, ...] | None:
        """The grant and everything it depends on, if all are in force at ``at``; else None."""
        lineage = self._lineage(grant)
        for link in lineage:
            if at < link.start or (link.end is not None and at >= link.end):
                return None
            if link.revoked_at is not None and at >= link.revoked_at:
                return None
        return lineage

    def _business_of(self, scope: str) -> str:
        return scope if len(scope) == 9 else scope[:9]

    def _covers(self, scope: str, account: str, at: datetime) -> bool:
        if scope == account:
            return True
        if scope.startswith(_GROUP):
            _, provider, name = scope.split(":", 2)
            group = self.groups.get((provider, name))
            return (
                group is not None
                and not group.deleted
                and any(self._covers(client, account, at) for client in group.clients)
            )
        return len(scope) == 9 and len(account) == 15 and account.startswith(scope)

    def _authority(self, user: str, scope: str, role: Role, at: datetime) -> tuple[str, ...] | None:
        """The grant through which ``user`` may give ``role`` on ``scope`` at ``at``, if any."""
        for grant_id in self._by_grantee.get(user, ()):
            grant = self.grants[grant_id]
            if (
                grant.provider is not None
                or not grant.role.manages
                or grant.scope.startswith(_GROUP)
            ):
                continue  # assignments to clients carry no power to delegate there
            if role.rank > grant.role.rank or not self._covers(grant.scope, scope, at):
                continue
            if self._chain(grant, at) is not None:
                return (grant.id,)
        return None

    def _require(
        self, user: str, scope: str, role: Role, at: datetime, doing: str
    ) -> tuple[str, ...]:
        self._user(user)
        authority = self._authority(user, scope, role, at)
        if authority is None:
            raise NotAllowed(
                f"{user} cannot {doing}: no manager role in force on {scope} that covers {role.value}",
                who=user,
            )
        return authority

    def grant(
        self,
        *,
        by: str,
        to: str,
        account: str,
        role: Role | str,
        start: datetime | None = None,
        end: datetime | None = None,
        at: datetime | None = None,
    ) -> Grant:
        """Give ``to`` (a user, or a provider's BN9 for a relationship) ``role`` on ``account``."""
        at = at or _now()
        chosen, scope = _role(role), self._scope(account)
        if to not in self.users and bn.compact(to) not in self.businesses:
            raise UnknownCode("no such user or provider", value=to, path="to")
        grantee = to if to in self.users else bn.compact(to)
        start = start or at
        if end is not None and end <= start:
            raise InvalidFormat(
                "a grant ends before it starts",
                value=end,
                path="end",
                expected=f"after {start.isoformat()}",
            )
        authority = self._require(by, scope, chosen, at, f"grant {chosen.value}")
        grant = Grant(self._next("grant"), grantee, scope, chosen, by, start, end, authority)
        self._store(grant)
        self._log(at, by, "grant", grant=grant.id, to=grantee, account=scope, role=chosen.value)
        return grant

    def edit(
        self,
        grant_id: str,
        *,
        by: str,
        start: datetime | None = None,
        end: datetime | None = None,
        at: datetime | None = None,
    ) -> Grant:
        """Change a grant's dates (a role changes by revoking and granting again)."""
        at = at or _now()
        grant = self._grant(grant_id)
        self._require(by, grant.scope, grant.role, at, "edit that grant")
        new_start, new_end = start or grant.start, end if end is not None else grant.end
        if new_end is not None and new_end <= new_start:
            raise InvalidFormat("a grant ends before it starts", value=new_end, path="end")
        self._changed()
        self.grants[grant_id] = attrs.evolve(grant, start=new_start, end=new_end)
        self._log(at, by, "edit", grant=grant_id, start=new_start, end=new_end)
        return self.grants[grant_id]

    def _grant(self, grant_id: str) -> Grant:
        grant = self.grants.get(grant_id)
        if grant is None:
            raise UnknownCode("no such grant", value=grant_id, path="grant")
        return grant

    def revoke(self, grant_id: str, *, by: str, at: datetime | None = None) -> Grant:
        """Revoke a grant; everything that depended on it stops with it."""
        at = at or _now()
        grant = self._grant(grant_id)
        if grant.revoked_at is not None:
            raise InvalidState(f"grant {grant_id} is already revoked")
        self._require(by, grant.scope, grant.role, at, "revoke that grant")
        self._changed()
        self.grants[grant_id] = attrs.evolve(grant, revoked_at=at)
        self._log(at, by, "revoke", grant=grant_id, cut=len(self._dependants_of(grant_id)))
        return self.grants[grant_id]

    def _dependants_of(self, grant_id: str) -> list[str]:
        found, stack = [], list(self._dependants.get(grant_id, ()))
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(self._dependants.get(child, ()))
        return found

    # --- requests ---------------------------------------------------------------------------------

    def request_access(
        self,
        requester: str,
        *,
        account: str,
        role: Role | str,
        comment: str = "",
        by: str | None = None,
        at: datetime | None = None,
    ) -> Request:
        """A user asks for a role, or a provider (its BN9, ``by`` one of its managers) asks for a
        relationship on a client's account."""
        at = at or _now()
        chosen, scope = _role(role), self._scope(account)
        if requester in self.users:
            who = requester
        else:
            who = bn.compact(requester)
            if who not in self.businesses:
                raise UnknownCode("no such user or provider", value=requester, path="requester")
            self._require(
                by or "", who, Role.BUSINESS_ACCOUNT_MANAGER, at, f"ask for access for {who}"
            )
        request = Request(self._next("request"), who, scope, chosen, at, comment)
        self.requests[request.id] = request
        self._log(at, by or who, "request", request=request.id, account=scope, role=chosen.value)
        return request

    def _pending(self, request_id: str) -> Request:
        request = self.requests.get(request_id)
        if request is None:
            raise UnknownCode("no such request", value=request_id, path="request")
        if request.status != "pending":
            raise InvalidState(f"request {request_id} was already {request.status}")
        return request

    def approve(
        self,
        request_id: str,
        *,
        by: str,
        start: datetime | None = None,
        end: datetime | None = None,
        at: datetime | None = None,
    ) -> Grant:
        """Approve a pending request: the requester gets the role, depending on ``by``'s authority."""
        at = at or _now()
        request = self._pending(request_id)
        grant = self.grant(
            by=by,
            to=request.requester,
            account=request.scope,
            role=request.role,
            start=start,
            end=end,
            at=at,
        )
        self.requests[request_id] = attrs.evolve(
            request, status="approved", decided_by=by, grant=grant.id
        )
        self._log(at, by, "approve", request=request_id, grant=grant.id)
        return grant

    def reject(
        self, request_id: str, *, by: str, reason: str = "", at: datetime | None = None
    ) -> Request:
        at = at or _now()
        request = self._pending(request_id)
        self._require(by, request.scope, request.role, at, "reject that request")
        self.requests[request_id] = attrs.evolve(request, status="rejected", decided_by=by)
        self._log(at, by, "reject", request=request_id, reason=reason)
        return self.requests[request_id]

    # --- service providers ----------------------------------------------------------------------

    def create_client_group(
        self, provider: str, name: str, *, by: str, at: datetime | None = None
    ) -> ClientGroup:
        """A provider's Business Account Manager creates a group; names are unique, deleted ones too."""
        at = at or _now()
        owner = self._scope(provider)
        self._require(by, owner, Role.BUSINESS_ACCOUNT_MANAGER, at, "create client groups")
        key = (owner, name.strip().casefold())
        if key in self._group_names:
            raise InvalidState(f"client group {name!r} exists or existed for {owner}")
        self._group_names.add(key)
        group = ClientGroup(owner, name.strip())
        self.groups[(owner, group.name)] = group
        self._log(at, by, "create client group", provider=owner, name=group.name)
        return group

    def _group(self, provider: str, name: str) -> ClientGroup:
        group = self.groups.get((bn.compact(provider), name))
        if group is None or group.deleted:
            raise UnknownCode("no such client group", value=name, path="group")
        return group

    def add_to_group(
        self, provider: str, name: str, account: str, *, by: str, at: datetime | None = None
    ) -> ClientGroup:
        at = at or _now()
        group = self._group(provider, name)
        self._require(by, group.provider, Role.BUSINESS_ACCOUNT_MANAGER, at, "manage client groups")
        updated = attrs.evolve(group, clients=group.clients | {self._scope(account)})
        self._changed()
        self.groups[(group.provider, group.name)] = updated
        self._log(at, by, "add to group", group=group.name, account=account)
        return updated

    def delete_group(
        self, provider: str, name: str, *, by: str, at: datetime | None = None
    ) -> None:
        at = at or _now()
        group = self._group(provider, name)
        self._require(by, group.provider, Role.BUSINESS_ACCOUNT_MANAGER, at, "manage client groups")
        self._changed()
        self.groups[(group.provider, group.name)] = attrs.evolve(group, deleted=True)
        self._log(at, by, "delete group", group=group.name)

    def _relationship(self, provider: str, account: str, at: datetime) -> Grant | None:
        for grant_id in self._by_grantee.get(provider, ()):
            grant = self.grants[grant_id]
            if self._covers(grant.scope, account, at) and self._chain(grant, at) is not None:
                return grant
        return None

    def assign(
        self,
        employee: str,
        *,
        provider: str,
        to: str,
        role: Role | str,
        by: str,
        end: datetime | None = None,
        at: datetime | None = None,
    ) -> Grant:
        """A provider's manager assigns one of its employees to a client account or a client group
        (``to="group:<name>"``), with a role no stronger than the provider's relationship."""
        at = at or _now()
        owner, chosen = self._scope(provider), _role(role)
        self._user(employee)
        authority = self._require(by, owner, Role.BUSINESS_ACCOUNT_MANAGER, at, "assign employees")
        if not any(
            self._covers(self.grants[g].scope, owner, at) and self._chain(self.grants[g], at)
            for g in self._by_grantee.get(employee, ())
        ):
            raise NotAllowed(f"{employee} is not an employee of {owner}", who=by)
        depends: tuple[str, ...] = authority
        if to.startswith("group:") and to.count(":") == 1:
            scope = self._group(owner, to.split(":", 1)[1]).scope
        else:
            scope = self._scope(to)
            relationship = self._relationship(owner, scope, at)
            if relationship is None:
                raise NotAllowed(f"{owner} has no relationship in force on {scope}", who=by)
            if chosen.rank > relationship.role.rank:
                raise NotAllowed(f"{chosen.value} is more than {owner} holds on {scope}", who=by)
            depends = (relationship.id, *authority)
        grant = Grant(
            self._next("grant"), employee, scope, chosen, by, at, end, depends, provider=owner
        )
        self._store(grant)
        self._log(at, by, "assign", grant=grant.id, employee=employee, to=scope, role=chosen.value)
        return grant

    # --- checks -----------------------------------------------------------------------------------

    def check(
        self, user: str, action: Action | str, account: str, *, at: datetime | None = None
    ) -> Decision:
        """May ``user`` do ``action`` on ``account`` at ``at``? Deny by default, with the reason.

        Between two changes to the registry, the decision for one question depends on ``at`` only
        through comparisons with the dates of the grants involved, so it is constant between
        consecutive dates. Each question asked keeps those dates and the decision for each interval
        once made; later checks bisect them, whatever the size of the registry.
        """
        at = at or _now()
        key = (user, action, account)
        timeline = self._timelines.get(key)
        if timeline is None:
            timeline = self._timeline(user, action, account)
            if timeline is None:
                return self._decide(user, action, account, at)
            if len(self._timelines) >= _TIMELINES_KEPT:
                self._timelines.clear()
            self._timelines[key] = timeline
        moments, decisions = timeline
        index = bisect_right(moments, at)
        decision = decisions[index]
        if decision is None:
            decision = decisions[index] = self._decide(user, action, account, at)
        return decision

    def _timeline(self, user: str, action: Action | str, account: str) -> _Timeline | None:
        """Every date that matters to this question, with room for the decision between each two.

        The decisions are filled in as ``at`` falls in each interval. None for a question about
        an unknown user, action or account (not kept, so that arbitrary questions cannot fill
        memory), and for grants whose dates cannot be ordered together (naive and aware mixed).
        """
        scope = self._known_scope(account)
        if user not in self.users or _ACTIONS.get(action) is None or scope is None:
            return None
        involved: list[Grant] = []
        for grant_id in self._by_grantee.get(user, ()):
            grant = self.grants[grant_id]
            if self._covers(grant.scope, scope, grant.start):
                involved.extend(self._lineage(grant))
                if grant.provider is not None:
                    for relationship_id in self._by_grantee.get(grant.provider, ()):
                        relationship = self.grants[relationship_id]
                        if self._covers(relationship.scope, scope, relationship.start):
                            involved.extend(self._lineage(relationship))
        dates = {d for g in involved for d in (g.start, g.end, g.revoked_at) if d is not None}
        try:
            moments = tuple(sorted(dates))
        except TypeError:
            return None
        return moments, [None] * (len(moments) + 1)

    def _known_scope(self, account: str) -> str | None:
        """The account's scope as grants name it, or None if the account is unknown."""
        if account in self._program_owner or account in self.businesses:
            return account
        try:
            return self._scope(account)
        except (UnknownCode, InvalidFormat, ValueError):
            return None

    def _decide(self, user: str, action: Action | str, account: str, at: datetime) -> Decision:
        """The check itself, from the grants."""
        chosen = _ACTIONS.get(action)
        if chosen is None:
            return Decision(False, f"unknown action {action!r}")
        if user not in self.users:
            return Decision(False, f"unknown user {user!r}")
        scope = self._known_scope(account)
        if scope is None:
            return Decision(False, f"unknown account {account!r}")
        reason = f"{user} holds no role on {scope}"
        for grant_id in self._by_grantee.get(user, ()):
            grant = self.grants[grant_id]
            if not self._covers(grant.scope, scope, at):
                continue
            if chosen not in PERMISSIONS[grant.role]:
                reason = f"{grant.role.value} may not {chosen.value}"
                continue
            chain = self._chain(grant, at)
            if chain is None:
                reason = self._why_not(grant, at)
                continue
            if grant.provider is not None:
                relationship = self._relationship(grant.provider, scope, at)
                if relationship is None or chosen not in PERMISSIONS[relationship.role]:
                    reason = f"{grant.provider} has no relationship in force on {scope} allowing {chosen.value}"
                    continue
                if relationship not in chain:
                    chain = (*chain, *(self._chain(relationship, at) or ()))
            return Decision(True, self._reason(grant), chain)
        return Decision(False, reason)

    def _reason(self, grant: Grant) -> str:
        reason = self._reasons.get(grant.id)
        if reason is None:
            reason = self._reasons[grant.id] = (
                f"{grant.role.value} on {grant.scope} (grant {grant.id})"
            )
        return reason

    def _why_not(self, grant: Grant, at: datetime) -> str:
        if at < grant.start:
            return f"grant {grant.id} starts {grant.start.isoformat()}"
        if grant.end is not None and at >= grant.end:
            return f"grant {grant.id} ended {grant.end.isoformat()}"
        if grant.revoked_at is not None and at >= grant.revoked_at:
            return f"grant {grant.id} was revoked {grant.revoked_at.isoformat()}"
        for parent in grant.depends_on:
            if self._chain(self.grants[parent], at) is None:
                return f"grant {grant.id} depends on {parent}, which is no longer in force: {self._why_not(self.grants[parent], at)}"
        return f"grant {grant.id} is not in force"

    def audit_log(self) -> tuple[AuditEvent, ...]:
        """Every registration, request, approval, rejection, grant, edit and revocation, in order."""
        return tuple(self.events)

    # --- saving and loading ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "users": converter.unstructure(list(self.users.values())),
            "businesses": converter.unstructure(list(self.businesses.values())),
            "grants": converter.unstructure(list(self.grants.values())),
            "requests": converter.unstructure(list(self.requests.values())),
            "groups": converter.unstructure(list(self.groups.values())),
            "group_names": sorted(list(k) for k in self._group_names),
            "events": converter.unstructure(self.events),
            "last_id": self._last_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Registry:
        registry = cls()
        for user in converter.structure(data["users"], list[User]):
            registry.users[user.id] = user
        for business in converter.structure(data["businesses"], list[Business]):
            registry.businesses[business.bn] = business
            for account in business.program_accounts:
                registry._program_owner[account] = business.bn
        for grant in converter.structure(data["grants"], list[Grant]):
            registry._store(grant)
        for request in converter.structure(data["requests"], list[Request]):
            registry.requests[request.id] = request
        for group in converter.structure(data["groups"], list[ClientGroup]):
            registry.groups[(group.provider, group.name)] = group
        registry._group_names = {(p, n) for p, n in data["group_names"]}
        registry.events = converter.structure(data["events"], list[AuditEvent])
        registry._last_id = int(data["last_id"])
        return registry

    def save(self, path: str | Path) -> None:
        """Write the registry as JSON."""
        Path(path).write_text(
            json.dumps(self.to_dict(), indent=1, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, path: str | Path) -> Registry:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def save_sqlite(self, path: str | Path) -> None:
        """Write the registry into an SQLite database (replacing what was there)."""
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS carm_registry (id INTEGER PRIMARY KEY CHECK (id = 1), document TEXT)"
            )
            db.execute(
                "INSERT OR REPLACE INTO carm_registry (id, document) VALUES (1, ?)",
                (json.dumps(self.to_dict()),),
            )

    @classmethod
    def load_sqlite(cls, path: str | Path) -> Registry:
        with contextlib.closing(sqlite3.connect(path)) as db:
            row = db.execute("SELECT document FROM carm_registry WHERE id = 1").fetchone()
        if row is None:
            raise UnknownCode("no registry in that database", value=str(path), path="file")
        return cls.from_dict(json.loads(row[0]))

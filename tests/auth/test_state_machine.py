"""No privilege escalation: under random requests, approvals, grants, assignments and revocations,
every permission check agrees with an independent oracle that rebuilds, from the registration
grants down, the grants whose whole chain of authority is in force."""

import contextlib
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from carm.auth import PERMISSIONS, Action, Grant, Registry, Role
from carm.errors import CarmError

USERS = ["u-1", "u-2", "u-3", "u-4", "u-5"]
IMPORTER, PROGRAM, BROKER = "123026635", "123026635RM0001", "123456782"
ACCOUNTS = [IMPORTER, PROGRAM, BROKER]
T0 = datetime(2026, 11, 2, tzinfo=UTC)


def covers(scope: str, account: str) -> bool:
    return scope == account or (
        len(scope) == 9 and account.startswith(scope) and len(account) == 15
    )


class Oracle:
    """Which grants are in force, computed the simple way: fixed point from the roots."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def valid(self, at: datetime) -> set[str]:
        found: set[str] = set()
        changed = True
        while changed:
            changed = False
            for grant in self.registry.grants.values():
                if grant.id in found or not grant.active(at):
                    continue
                if all(parent in found for parent in grant.depends_on):
                    found.add(grant.id)
                    changed = True
        return found

    def allowed(self, user: str, action: Action, account: str, at: datetime) -> bool:
        valid = self.valid(at)
        for grant in self.registry.grants.values():
            if (
                grant.id not in valid
                or grant.grantee != user
                or action not in PERMISSIONS[grant.role]
            ):
                continue
            if grant.scope.startswith("group:"):
                continue  # groups are not generated here
            if not covers(grant.scope, account):
                continue
            if grant.provider is not None:
                relationships = [
                    g for g in self.registry.grants.values()
                    if g.id in valid and g.grantee == grant.provider and covers(g.scope, account) and action in PERMISSIONS[g.role]
                ]  # fmt: skip
                if not relationships:
                    continue
            return True
        return False


class RegistryMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.registry = Registry()
        for user in USERS:
            self.registry.add_user(user, name=user, at=T0)
        self.registry.register_business(
            IMPORTER, legal_name="Importer", address="a", manager="u-1", at=T0
        )
        self.registry.add_program_account(PROGRAM, at=T0)
        self.registry.register_business(
            BROKER, legal_name="Broker", address="b", manager="u-2", at=T0
        )
        self.now = T0
        self.oracle = Oracle(self.registry)

    def tick(self, minutes: int) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    @rule(by=st.sampled_from(USERS), to=st.sampled_from([*USERS, BROKER]), account=st.sampled_from(ACCOUNTS),
          role=st.sampled_from(list(Role)), minutes=st.integers(1, 30), lasts=st.none() | st.integers(1, 120))  # fmt: skip
    def grant(
        self, by: str, to: str, account: str, role: Role, minutes: int, lasts: int | None
    ) -> None:
        at = self.tick(minutes)
        end = at + timedelta(minutes=lasts) if lasts else None
        with contextlib.suppress(CarmError):
            self.registry.grant(by=by, to=to, account=account, role=role, end=end, at=at)

    @rule(user=st.sampled_from(USERS), account=st.sampled_from(ACCOUNTS), role=st.sampled_from(list(Role)),
          approver=st.sampled_from(USERS), minutes=st.integers(1, 30))  # fmt: skip
    def request_and_approve(
        self, user: str, account: str, role: Role, approver: str, minutes: int
    ) -> None:
        at = self.tick(minutes)
        request = self.registry.request_access(user, account=account, role=role, at=at)
        with contextlib.suppress(CarmError):
            self.registry.approve(request.id, by=approver, at=at)

    @rule(employee=st.sampled_from(USERS), by=st.sampled_from(USERS), account=st.sampled_from([IMPORTER, PROGRAM]),
          role=st.sampled_from(list(Role)), minutes=st.integers(1, 30))  # fmt: skip
    def assign(self, employee: str, by: str, account: str, role: Role, minutes: int) -> None:
        with contextlib.suppress(CarmError):
            self.registry.assign(
                employee, provider=BROKER, to=account, role=role, by=by, at=self.tick(minutes)
            )

    @rule(by=st.sampled_from(USERS), index=st.integers(0, 40), minutes=st.integers(1, 30))
    def revoke(self, by: str, index: int, minutes: int) -> None:
        grants = sorted(self.registry.grants)
        with contextlib.suppress(CarmError):
            self.registry.revoke(grants[index % len(grants)], by=by, at=self.tick(minutes))

    @invariant()
    def checks_agree_with_the_oracle(self) -> None:
        for at in (self.now, self.now + timedelta(minutes=60)):
            for user in USERS:
                for account in ACCOUNTS:
                    for action in (Action.VIEW_ACCOUNT, Action.SUBMIT_CAD, Action.MANAGE_EMPLOYEES):
                        decision = self.registry.check(user, action, account, at=at)
                        assert decision.allowed == self.oracle.allowed(user, action, account, at), (
                            user,
                            action,
                            account,
                            decision,
                        )
                        if decision.allowed:
                            assert all(isinstance(g, Grant) and g.active(at) for g in decision.via)

    @invariant()
    def remembered_answers_are_the_grants_answers(self) -> None:
        # check() keeps each question's decisions between the grants' dates; asking about the past,
        # the present and the future must give what the grants give now, reasons included.
        moments = (T0 - timedelta(minutes=1), T0, self.now - timedelta(minutes=20), self.now,
                   self.now + timedelta(minutes=200))  # fmt: skip
        for at in (*moments, *reversed(moments)):
            for user in USERS:
                for account in ACCOUNTS:
                    decision = self.registry.check(user, Action.CORRECT_CAD, account, at=at)
                    assert decision == self.registry._decide(user, Action.CORRECT_CAD, account, at)

    @invariant()
    def every_grant_was_within_its_granters_authority(self) -> None:
        grants = self.registry.grants
        for grant in grants.values():
            if grant.granted_by == "registration":
                assert grant.depends_on == ()
                continue
            assert grant.depends_on, grant
            authority = grants[grant.depends_on[-1]]
            assert authority.grantee == grant.granted_by
            assert grant.role.rank <= authority.role.rank or grant.provider is not None


TestRegistry = RegistryMachine.TestCase
TestRegistry.settings = settings(
    max_examples=min(settings().max_examples, 200), stateful_step_count=25
)

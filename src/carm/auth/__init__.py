"""Delegation of authority: businesses, program accounts, users, roles, service providers, checks.

>>> from datetime import datetime, UTC
>>> from carm import auth
>>> reg = auth.Registry()
>>> t = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
>>> _ = reg.add_user("u-alice", name="Alice", at=t)
>>> _ = reg.add_user("u-bob", name="Bob", at=t)
>>> _ = reg.register_business("123026635", legal_name="Maple Imports Inc.", address="1 Bay St, Toronto",
...                           manager="u-alice", at=t)
>>> _ = reg.add_program_account("123026635RM0001", at=t)
>>> req = reg.request_access("u-bob", account="123026635RM0001", role="editor", at=t)
>>> _ = reg.approve(req.id, by="u-alice", at=t)
>>> d = reg.check("u-bob", "submit_cad", "123026635RM0001", at=t)
>>> d.allowed, d.reason, [g.id for g in d.via]
(True, 'editor on 123026635RM0001 (grant grant-3)', ['grant-3', 'grant-1'])
>>> reg.check("u-bob", "make_payment", "123026635RM0001", at=t).reason
'editor may not make_payment'

See docs/auth.md for a broker's set-up end to end, and ``PERMISSIONS`` for who may do what.
"""

from carm.auth._model import (
    ACTIONS,
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
from carm.auth._registry import Registry

__all__ = [
    "ACTIONS",
    "PERMISSIONS",
    "Action",
    "AuditEvent",
    "Business",
    "ClientGroup",
    "Decision",
    "Grant",
    "Registry",
    "Request",
    "Role",
    "User",
]

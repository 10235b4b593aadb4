"""A local portal server backed by the library (extra ``sandbox``): ``carm sandbox serve``.

For tests, demos and development against something real: sign-in with bearer tokens, tariff
lookups, estimates, CAD submission (enforcing ``carm.auth`` delegations, honouring idempotency
keys, posting to the account's ledger), the account's transactions a page at a time, and an
OpenAPI document. State lives in SQLite and survives a restart. ``Faults`` makes it fail on
purpose so that clients' retries can be tested.
"""

from carm.sandbox._app import OPENAPI, Faults, SandboxState, create_app

__all__ = ["OPENAPI", "Faults", "SandboxState", "create_app"]

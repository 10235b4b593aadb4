"""Permission checks per second, with 100 and with 100,000 grants in the registry.

Run: ``.venv/bin/python benchmarks/auth.py``. Each registry holds businesses with a Business
Account Manager, a program account, and employees granted roles by that manager (chains of two
grants); the checks ask random employees about random actions on their own accounts (mostly
allowed) and on others (refused). The baseline is a plain dict lookup of (user, action, account)
in the same run.
"""

import random
import time
from datetime import UTC, datetime

from carm.auth import Action, Registry, Role
from carm.identifiers import bn

T0 = datetime(2026, 11, 2, tzinfo=UTC)
CHECKS = 200_000


def build(grants: int) -> tuple[Registry, list[tuple[str, Action, str]]]:
    rng = random.Random(7)
    registry = Registry()
    businesses = max(1, grants // 10)
    queries = []
    for index in range(businesses):
        first_eight = f"{10_000_000 + index:08d}"
        number = first_eight + bn.calc_check_digit(first_eight)
        manager = f"m-{index}"
        registry.add_user(manager, name=manager, at=T0)
        registry.register_business(
            number, legal_name=f"B{index}", address="x", manager=manager, at=T0
        )
        program = registry.add_program_account(f"{number}RM0001", at=T0)
        for employee_index in range(9):
            user = f"e-{index}-{employee_index}"
            registry.add_user(user, name=user, at=T0)
            role = rng.choice([Role.EDITOR, Role.READER, Role.PROGRAM_ACCOUNT_MANAGER])
            registry.grant(by=manager, to=user, account=program, role=role, at=T0)
            queries.append((user, rng.choice(list(Action)), program))
    return registry, queries


def measure(grants: int) -> tuple[float, float, float]:
    registry, queries = build(grants)
    rng = random.Random(11)
    sample = [rng.choice(queries) for _ in range(CHECKS)]
    at = datetime(2026, 11, 3, tzinfo=UTC)
    rates = []
    for _ in ("first asked", "asked again"):
        start = time.perf_counter()
        for user, action, account in sample:
            registry.check(user, action, account, at=at)
        rates.append(CHECKS / (time.perf_counter() - start))
    table = dict.fromkeys(queries, True)
    start = time.perf_counter()
    for query in sample:
        table.get(query)
    lookups = CHECKS / (time.perf_counter() - start)
    return rates[0], rates[1], lookups


def main() -> None:
    for grants in (100, 100_000):
        first, again, lookups = measure(grants)
        print(
            f"{grants:>7,} grants   carm first asked {first:>10,.0f} checks/s, asked again "
            f"{again:>10,.0f} checks/s   dict {lookups:>11,.0f} lookups/s   ratio {lookups / again:.1f}x"
        )


if __name__ == "__main__":
    main()

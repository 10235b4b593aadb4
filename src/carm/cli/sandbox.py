"""``carm sandbox serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from carm.cli import cli
from carm.errors import InvalidFormat
from carm.tariff.excise_codes import read_excise_codes


def _parts(value: str, count: int, option: str, example: str) -> list[str]:
    parts = value.split(":", count - 1)
    if len(parts) != count or not all(parts):
        raise InvalidFormat(value=value, path=option, expected=example)
    return parts


_FAULT_FIELDS = {
    "503": ("error_rate", float),
    "reset": ("reset_rate", float),
    "slow": ("slow_rate", float),
    "slow-seconds": ("slow_seconds", float),
    "delay": ("delay", float),
    "seed": ("seed", int),
}


def parse_faults(spec: str) -> dict[str, Any]:
    """``503=0.1,reset=0.05`` as :class:`carm.sandbox.Faults` fields; every bad part is named."""
    fields: dict[str, Any] = {}
    problems = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, value = part.partition("=")
        if name not in _FAULT_FIELDS:
            problems.append(f"{name!r} is not one of {', '.join(_FAULT_FIELDS)}")
            continue
        field, kind = _FAULT_FIELDS[name]
        try:
            fields[field] = kind(value)
        except ValueError:
            problems.append(f"{name}={value!r} is not a number")
            continue
        if field.endswith("_rate") and not 0 <= fields[field] <= 1:
            problems.append(f"{name}={value} is not a share from 0 to 1")
    if problems:
        raise InvalidFormat("; ".join(problems), value=spec, path="--faults")
    return fields


@cli.group(name="sandbox")
def sandbox_group() -> None:
    """A local portal server backed by carm (needs the sandbox extra)."""


@sandbox_group.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int)
@click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite file (default: memory)."
)
@click.option(
    "--user", "users", multiple=True, metavar="ID:NAME:PASSWORD", help="A user who may sign in."
)
@click.option(
    "--business",
    "businesses",
    multiple=True,
    metavar="BN9:NAME:MANAGER",
    help="Register a business.",
)
@click.option("--program", "programs", multiple=True, metavar="BN15", help="Add a program account.")
@click.option(
    "--officer",
    "officers",
    multiple=True,
    metavar="ID:NAME:PASSWORD",
    help="A CBSA officer (decides rulings).",
)
@click.option("--unavailable", default=0, type=int, help="Answer the next N requests with 503.")
@click.option(
    "--faults",
    "fault_spec",
    default="",
    metavar="SPEC",
    help="Misbehave at random, e.g. 503=0.1,reset=0.05,slow=0.2,slow-seconds=0.5,seed=7.",
)
@click.option(
    "--excise-codes",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="CSV of excise tax codes the tariff service emulation answers with (see docs/portal.md).",
)
def serve(host: str, port: int, db: Path | None, users: tuple[str, ...], businesses: tuple[str, ...],
          programs: tuple[str, ...], officers: tuple[str, ...], unavailable: int, fault_spec: str,
          excise_codes: Path | None) -> None:  # fmt: skip
    """Serve the portal API (OpenAPI at /openapi.json) until interrupted."""
    import uvicorn

    from carm.sandbox import Faults, SandboxState, create_app

    faults = Faults(unavailable=unavailable, **parse_faults(fault_spec))  # refused before any write
    codes = read_excise_codes(excise_codes) if excise_codes else None  # so is a bad table
    state = SandboxState(db or ":memory:")
    for spec in users:
        user, name, password = _parts(spec, 3, "--user", "u-alice:Alice:secret")
        if user not in state.registry.users:
            state.add_user(user, name=name, password=password)
    for spec in officers:
        user, name, password = _parts(spec, 3, "--officer", "u-cbsa:Officer Lee:secret")
        state.add_officer(user, name=name, password=password)
    for spec in businesses:
        number, name, manager = _parts(spec, 3, "--business", "123026635:Maple Imports:u-alice")
        if number not in state.registry.businesses:
            state.registry.register_business(number, legal_name=name, address="", manager=manager)
    for account in programs:
        state.registry.add_program_account(account)
    state.save()
    click.echo(f"carm sandbox on http://{host}:{port} (OpenAPI at /openapi.json)", err=True)
    uvicorn.run(
        create_app(state, faults=faults, excise_codes=codes),
        host=host,
        port=port,
        log_level="warning",
    )

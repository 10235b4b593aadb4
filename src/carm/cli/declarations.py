"""``carm cad validate|assess|diff``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click

from carm._files import read_text
from carm.cli import cli, echo_json
from carm.declarations import Declaration, assess, diff, from_json, to_json, validate
from carm.errors import InvalidFormat
from carm.money import to_decimal


def _read(path: Path) -> Declaration:
    return from_json(read_text(path))


def _rates(pairs: tuple[str, ...]) -> dict[str, Decimal]:
    found = {}
    for pair in pairs:
        currency, _, rate = pair.partition("=")
        if not rate:
            raise InvalidFormat(value=pair, path="--rate", expected="CUR=RATE, e.g. USD=1.3712")
        found[currency.strip().upper()] = to_decimal(rate, path=f"--rate {currency}")
    return found


@cli.group(name="cad")
def cad_group() -> None:
    """Commercial Accounting Declarations: validate, assess, compare versions."""


@cad_group.command(name="validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def validate_command(file: Path) -> None:
    """Check a CAD (JSON); every problem on its own line, exit 1 if any."""
    cad = validate(_read(file))
    click.echo(
        f"{cad.header.transaction_number} version {cad.version}: valid ({len(cad.lines)} lines)"
    )


@cad_group.command(name="assess")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--rate",
    "rates",
    multiple=True,
    metavar="CUR=RATE",
    help="Exchange rate, CAD per unit (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the assessed declaration as JSON.")
def assess_command(file: Path, rates: tuple[str, ...], as_json: bool) -> None:
    """Assess a CAD's duties and taxes, line by line."""
    assessed = assess(_read(file), exchange_rates=_rates(rates))
    if as_json:
        click.echo(to_json(assessed))
        return
    for path, line in assessed.lines:
        a = line.assessed
        assert a is not None
        click.echo(
            f"{path:<22} {line.classification}  {a.treatment:<6} {a.duty_rate:<34} duty {a.customs_duty:>10}  GST {a.gst:>9}  total {a.total:>10}"
        )
    click.echo(f"{'total':<22} {assessed.total:>98}")


@cad_group.command(name="diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
def diff_command(old: Path, new: Path, as_json: bool) -> None:
    """Every changed field between two versions, and the money owed or refunded."""
    result = diff(_read(old), _read(new))
    if as_json:
        echo_json(
            {
                "changes": [{"path": c.path, "old": c.old, "new": c.new} for c in result.changes],
                "lines": [
                    {
                        "path": d.path,
                        "old_total": d.old_total,
                        "new_total": d.new_total,
                        "difference": d.difference,
                    }
                    for d in result.lines
                ],
                "total": result.total,
            }
        )
        return
    for change in result.changes:
        click.echo(f"{change.path}: {change.old} -> {change.new}")
    for line in result.lines:
        if line.difference:
            click.echo(f"{line.path}: {line.old_total} -> {line.new_total} ({line.difference:+})")
    click.echo(
        f"total: {result.total:+} ({'owed' if result.total > 0 else 'refund' if result.total < 0 else 'no change'})"
    )

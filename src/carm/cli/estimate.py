"""``carm estimate FILE``."""

from __future__ import annotations

from pathlib import Path

import click

from carm.cli import cli
from carm.estimate import Settings, estimate, load_shipment
from carm.money import check_locale


@cli.command(name="estimate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--explain", is_flag=True, help="Show every step, rule and source.")
@click.option("--json", "as_json", is_flag=True, help="Print the estimate as JSON.")
@click.option("--locale", default="en_CA", show_default=True, help="How amounts are written.")
@click.option("--hst-on-commercial", is_flag=True, help="Charge HST, not GST, on commercial goods.")
def estimate_command(
    file: Path, explain: bool, as_json: bool, locale: str, hst_on_commercial: bool
) -> None:
    """Estimate the duties and taxes on the shipment in FILE (JSON or TOML; see examples/)."""
    check_locale(locale)  # a bad locale is an error before any work
    result = estimate(load_shipment(file), settings=Settings(hst_on_commercial=hst_on_commercial))
    if as_json:
        click.echo(result.to_json())
        return
    if explain:
        click.echo(result.explain())
        click.echo("")
    click.echo(result.table(locale=locale))
    if result.low_value.rule or result.low_value.note:
        click.echo(f"low-value rule: {result.low_value.note}")

"""``carm billing-period``."""

from __future__ import annotations

import click

from carm.calendar import DEFAULT_DUE_DATE_RULE, DUE_DATE_RULES, BillingCycle, BusinessCalendar
from carm.calendar import billing_period as _billing_period
from carm.cli import cli, echo_json, parse_date


@cli.command(name="billing-period")
@click.argument("released")
@click.option(
    "--cycle",
    type=click.Choice([c.value for c in BillingCycle]),
    default=BillingCycle.COMMERCIAL.value,
    show_default=True,
)
@click.option(
    "--due-date-rule",
    type=click.Choice(list(DUE_DATE_RULES)),
    default=DEFAULT_DUE_DATE_RULE,
    show_default=True,
)
@click.option("--province", metavar="XX", help="Add this province's holidays.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def billing_period(
    released: str, cycle: str, due_date_rule: str, province: str | None, as_json: bool
) -> None:
    """The billing period, statement date and due date for goods released on RELEASED (YYYY-MM-DD)."""
    period = _billing_period(
        parse_date(released, "released"),
        cycle=cycle,
        due_date_rule=due_date_rule,
        calendar=BusinessCalendar(province),
    )
    if as_json:
        echo_json(period)
        return
    click.echo(f"released from   {period.start.isoformat()}")
    click.echo(f"released to     {period.end.isoformat()}")
    click.echo(f"statement date  {period.statement_date.isoformat()}")
    click.echo(f"payment due     {period.due_date.isoformat()}  ({due_date_rule})")

"""The ``carm`` command.

Every sub-command prints its result on stdout (``--json`` for machine-readable output) and reports
bad input on stderr, with exit status 1, as one line per problem; never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

import click

from carm import __version__
from carm.calendar import DEFAULT_DUE_DATE_RULE, DUE_DATE_RULES, BillingCycle, BusinessCalendar
from carm.calendar import billing_period as _billing_period
from carm.errors import CarmError, InvalidFormat, ValidationErrors
from carm.identifiers import bn
from carm.identifiers import transaction_number as txn
from carm.serialization import dumps

__all__ = ["main"]

EXIT_INVALID = 1
EXIT_INTERNAL = 70  # EX_SOFTWARE


class _Group(click.Group):
    """A group that turns carm's errors into one stderr line each and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationErrors as group:
            for error in group.errors:
                click.echo(f"carm: error: {error}", err=True)
            ctx.exit(EXIT_INVALID)
        except CarmError as error:
            click.echo(f"carm: error: {error}", err=True)
            ctx.exit(EXIT_INVALID)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # a bug in carm: say so plainly, without a traceback
            click.echo(
                f"carm: internal error: {type(error).__name__}: {error} "
                "(please report it with the command you ran)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


def _echo_json(value: Any) -> None:
    click.echo(dumps(value))


def _parse_date(text: str, path: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidFormat(value=text, path=path, expected="a date as YYYY-MM-DD") from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="carm")
def cli() -> None:
    """carm: Canadian customs for software.

    Classify goods, estimate duties and taxes, keep the CARM ledger, check delegations, build
    Commercial Accounting Declarations. Run any command with --help for its options.
    """


@cli.group(name="bn")
def bn_group() -> None:
    """Business numbers (BN9 and BN15 program accounts)."""


@bn_group.command(name="validate")
@click.argument("number")
@click.option("--program", metavar="ID", help="Require a BN15 of this program, e.g. RM.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def bn_validate(number: str, program: str | None, as_json: bool) -> None:
    """Check a business number and print its parts.

    NUMBER is a BN9 (123026635) or a BN15 program account (123026635RM0001); case, spaces and
    dashes do not matter.
    """
    compact = bn.validate_bn15(number, program=program) if program else bn.validate(number)
    ident = compact[9:11] if len(compact) == 15 else None
    result = {
        "number": compact,
        "formatted": bn.format(compact),
        "business_number": compact[:9],
        "program_identifier": ident,
        "program": bn.PROGRAM_IDENTIFIERS.get(ident) if ident else None,
        "reference_number": compact[11:] if ident else None,
    }
    if as_json:
        _echo_json(result)
        return
    click.echo(f"{result['formatted']}: valid")
    if ident:
        click.echo(f"  business number    {result['business_number']}")
        click.echo(
            f"  program account    {ident} ({result['program']}) {result['reference_number']}"
        )


_CHECK_DIGIT = click.option(
    "--check-digit",
    type=click.Choice(list(txn.CHECK_DIGIT_ALGORITHMS)),
    default=txn.DEFAULT_CHECK_DIGIT,
    show_default=True,
    help="Check-digit algorithm (the CBSA's is unverified; see the docs).",
)


@cli.group(name="transaction-number")
def transaction_number_group() -> None:
    """CBSA transaction numbers (14 digits)."""


@transaction_number_group.command(name="validate")
@click.argument("number")
@_CHECK_DIGIT
def transaction_number_validate(number: str, check_digit: str) -> None:
    """Check a transaction number."""
    click.echo(f"{txn.format(number, check_digit=check_digit)}: valid")


@transaction_number_group.command(name="make")
@click.option("--account-security", required=True, metavar="ASEC", help="Five-digit number.")
@click.option("--sequence", required=True, type=int, help="The filer's sequence number.")
@_CHECK_DIGIT
def transaction_number_make(account_security: str, sequence: int, check_digit: str) -> None:
    """Build a transaction number from an account security number and a sequence."""
    click.echo(
        txn.make(account_security=account_security, sequence=sequence, check_digit=check_digit)
    )


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
        _parse_date(released, "released"),
        cycle=cycle,
        due_date_rule=due_date_rule,
        calendar=BusinessCalendar(province),
    )
    if as_json:
        _echo_json(period)
        return
    click.echo(f"released from   {period.start.isoformat()}")
    click.echo(f"released to     {period.end.isoformat()}")
    click.echo(f"statement date  {period.statement_date.isoformat()}")
    click.echo(f"payment due     {period.due_date.isoformat()}  ({due_date_rule})")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        # Without standalone mode click returns ctx.exit()'s status instead of exiting.
        status = cli.main(
            args=list(argv) if argv is not None else None, prog_name="carm", standalone_mode=False
        )
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("carm: aborted", err=True)
        return 1
    return status if isinstance(status, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``carm bn`` and ``carm transaction-number``."""

from __future__ import annotations

import click

from carm.cli import cli, echo_json
from carm.identifiers import bn
from carm.identifiers import transaction_number as txn


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
        echo_json(result)
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

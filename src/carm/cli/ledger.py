"""``carm reconcile STATEMENT BOOKS``."""

from __future__ import annotations

from pathlib import Path

import click

from carm.cli import cli
from carm.ledger import read_pairs, reconcile


@cli.command(name="reconcile")
@click.argument("statement", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("books", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--number-column", default="number", show_default=True, help="Column of the transaction number."
)
@click.option("--amount-column", default="amount", show_default=True, help="Column of the amount.")
@click.option("--books-number-column", default=None, help="The books' number column, if different.")
@click.option("--books-amount-column", default=None, help="The books' amount column, if different.")
@click.option("--json", "as_json", is_flag=True, help="Print the reconciliation as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per transaction number.")
def reconcile_command(
    statement: Path,
    books: Path,
    number_column: str,
    amount_column: str,
    books_number_column: str | None,
    books_amount_column: str | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Reconcile a CBSA statement (CSV or JSON) against your books (CSV or JSON)."""
    result = reconcile(
        read_pairs(statement, number=number_column, amount=amount_column),
        read_pairs(
            books,
            number=books_number_column or number_column,
            amount=books_amount_column or amount_column,
        ),
    )
    if as_json:
        click.echo(result.to_json())
    elif as_csv:
        click.echo(result.to_csv(), nl=False)
    else:
        click.echo(result.to_text())

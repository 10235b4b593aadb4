"""The ``carm`` command.

Every sub-command prints its result on stdout (``--json`` for machine-readable output) and reports
bad input on stderr, with exit status 1, as one line per problem; never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

import click

from carm import __version__
from carm.errors import CarmError, InvalidFormat, ValidationErrors
from carm.serialization import dumps

__all__ = ["cli", "echo_json", "main", "parse_date"]

EXIT_INVALID = 1
EXIT_INTERNAL = 70  # EX_SOFTWARE
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what the shell reports for a command its reader left


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
        except BrokenPipeError:
            # The reader stopped early (``carm ... | head``): nothing is wrong, stop quietly. What
            # is still buffered goes nowhere, so that flushing at exit cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_BROKEN_PIPE)
        except Exception as error:  # a bug in carm: say so plainly, without a traceback
            click.echo(
                f"carm: internal error: {type(error).__name__}: {error} "
                "(please report it with the command you ran)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


def echo_json(value: Any) -> None:
    """Print ``value`` as JSON (decimals and dates as strings)."""
    click.echo(dumps(value))


def parse_date(text: str, path: str) -> date:
    """A YYYY-MM-DD date from the command line, or InvalidFormat naming the option."""
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


# The sub-command modules attach themselves to `cli` on import.
from carm.cli import calendar as _calendar  # noqa: E402
from carm.cli import declarations as _declarations  # noqa: E402
from carm.cli import estimate as _estimate  # noqa: E402
from carm.cli import identifiers as _identifiers  # noqa: E402
from carm.cli import ledger as _ledger  # noqa: E402
from carm.cli import sandbox as _sandbox  # noqa: E402
from carm.cli import tariff as _tariff  # noqa: E402

_ = (_calendar, _declarations, _estimate, _identifiers, _ledger, _sandbox, _tariff)


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

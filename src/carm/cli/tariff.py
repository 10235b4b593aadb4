"""``carm tariff show|import|sync|editions|evaluate|classify``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from carm.cli import cli, echo_json, parse_date
from carm.money import to_decimal
from carm.tariff import Edition, TariffLine, available_editions, import_edition, load_schedule
from carm.tariff._units import unit_code
from carm.tariff.classify import METHODS, NOTES, classify
from carm.tariff.evaluate import evaluate, read_labelled


@cli.group(name="tariff")
def tariff_group() -> None:
    """The Customs Tariff: look up lines, import editions."""


def _line_data(line: TariffLine, hierarchy: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "code": line.code,
        "tariff_item": line.tariff_item,
        "classification": line.classification,
        "hs6": line.hs6,
        "uom": line.uom,
        "description": line.description,
        "edition": line.edition,
        "hierarchy": hierarchy,
        "rates": {code: rate.text for code, rate in line.rates.items()},
    }


def _quantities(pairs: tuple[str, ...]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for pair in pairs:
        unit, _, amount = pair.partition("=")
        code = unit_code(unit, path="--quantity")
        found[code] = to_decimal(amount, path=f"--quantity {code}")
    return found


@tariff_group.command(name="show")
@click.argument("code")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Use the edition in effect then.")
@click.option("--origin", metavar="CC", help="Also list the treatments goods of CC may claim.")
@click.option("--no-proof-of-origin", is_flag=True, help="Offer MFN (or GT) only.")
@click.option("--value", metavar="CAD", help="Value for duty, to compute each option's duty.")
@click.option(
    "--quantity",
    "quantity",
    multiple=True,
    metavar="UNIT=AMOUNT",
    help="e.g. KGM=120 (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def show(
    code: str,
    as_of: str | None,
    origin: str | None,
    no_proof_of_origin: bool,
    value: str | None,
    quantity: tuple[str, ...],
    as_json: bool,
) -> None:
    """Print a tariff line (CODE: 8 or 10 digits), its hierarchy and every treatment's rate."""
    when = parse_date(as_of, "--as-of") if as_of else None
    schedule = load_schedule(as_of=when)
    line = schedule.lookup(code)
    ancestors = list(reversed(schedule.ancestors(line.code)))
    hierarchy = [
        {"level": n.level, "code": n.code, "description": n.description} for n in ancestors
    ]
    data = _line_data(line, hierarchy)
    choice = None
    if origin:
        choice = line.options(
            origin=origin,
            as_of=when or schedule.effective,
            proof_of_origin=not no_proof_of_origin,
            value_for_duty=to_decimal(value, path="--value") if value is not None else None,
            quantities=_quantities(quantity),
        )
        data["options"] = {
            "origin": choice.origin,
            "as_of": choice.as_of,
            "treatments": [
                {
                    "treatment": o.treatment.abbreviation,
                    "cbsa_code": o.treatment.code,
                    "rate": o.rate.text,
                    "duty": o.duty,
                    "note": o.note,
                }
                for o in choice.options
            ],
            "recommended": choice.recommended.treatment.abbreviation
            if choice.recommended
            else None,
            "reason": choice.reason,
        }
    if as_json:
        echo_json(data)
        return
    click.echo(f"{line.code}  {line.short_description}")
    click.echo(f"  edition      {line.edition} (effective {schedule.effective.isoformat()})")
    click.echo(f"  unit         {line.uom or '-'}")
    for depth, node in enumerate(ancestors):
        click.echo(f"  {'  ' * depth}{node.level:<11} {node.code:<11} {node.description[:70]}")
    click.echo("  rates")
    for treatment, rate in line.rates.items():
        click.echo(f"    {treatment:<6} {rate.text}")
    if choice is not None:
        click.echo(choice.explain())


def _edition_data(edition: Edition) -> dict[str, Any]:
    return {
        "edition": edition.name,
        "effective": edition.effective,
        "bundled": edition.bundled,
        "location": edition.location,
        "source": edition.source,
    }


def _report(verb: str, stored: Edition, as_json: bool) -> None:
    if as_json:
        echo_json(_edition_data(stored))
    else:
        click.echo(
            f"{verb} {stored.name} (effective {stored.effective.isoformat()}) to {stored.location}"
        )


@tariff_group.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--edition", metavar="TYYYY-N", help="Edition name, if the file name does not say.")
@click.option("--effective", metavar="YYYY-MM-DD", help="Effective date, if the file does not say.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_(file: Path, edition: str | None, effective: str | None, as_json: bool) -> None:
    """Check a tariff file (mdb-export TPHS CSV, or carm's layout) and keep it as an edition."""
    when: date | None = parse_date(effective, "--effective") if effective else None
    _report("imported", import_edition(file, edition=edition, effective=when), as_json)


@tariff_group.command(name="sync")
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", required=True, help="The day whose schedule to read."
)
@click.option("--edition", metavar="TYYYY-N", required=True, help="The name to keep it under.")
@click.option("--effective", metavar="YYYY-MM-DD", help="Its effective date (default: --as-of).")
@click.option("--url", metavar="URL", help="The tariff service (default: the CBSA's).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def sync(as_of: str, edition: str, effective: str | None, url: str | None, as_json: bool) -> None:
    """Read the whole schedule in force on a day from the CBSA tariff service into the cache
    (needs the http extra)."""
    from carm.client import CBSA_TARIFF_SERVICE, CBSATariffService

    day = parse_date(as_of, "--as-of")
    when = parse_date(effective, "--effective") if effective else None
    with CBSATariffService(url or CBSA_TARIFF_SERVICE) as service:
        _report("synced", service.sync(day, edition=edition, effective=when), as_json)


_METHOD = click.option(
    "--method",
    type=click.Choice(METHODS),
    default="auto",
    show_default=True,
    help="keywords (BM25), hybrid (adds the embedding model), auto (hybrid when installed).",
)


@tariff_group.command(name="evaluate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_METHOD
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate_command(file: Path, method: str, as_json: bool) -> None:
    """Accuracy of classification on a labelled CSV (columns description,hs6)."""
    result = evaluate(read_labelled(file), method=method)
    if as_json:
        echo_json(result)
        return
    click.echo(result.to_text())


@cli.command(name="classify")
@click.argument("text")
@click.option("--limit", default=5, show_default=True, help="How many candidates.")
@_METHOD
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
def classify_command(text: str, limit: int, method: str, as_json: bool) -> None:
    """Suggest classifications for a product description, best first, with their paths."""
    candidates = classify(text, limit=limit, method=method)
    if as_json:
        echo_json(candidates)
        return
    if not candidates:
        click.echo("no match: nothing in the nomenclature is close to this description")
        return
    for rank, c in enumerate(candidates, start=1):
        words = [e for e in c.evidence if not e.startswith(NOTES)]
        click.echo(f"{rank}. {c.code:<14} score {c.score:.2f}  matched: {', '.join(words) or '-'}")
        for note in c.evidence[len(words) :]:
            kind, _, text = note.partition(": ")
            click.echo(f"     {kind}: {_tail(text, 94)}")
        for level, code, description in c.path[1:]:
            click.echo(f"     {level:<14} {code:<13} {_tail(description, 80)}")


def _tail(text: str, width: int) -> str:
    # A tariff line's text is its whole path: what sets it apart is at the end.
    return text if len(text) <= width else "…" + text[1 - width :]


@tariff_group.command(name="editions")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def editions(as_json: bool) -> None:
    """List the editions carm can load, oldest first."""
    found = available_editions()
    if as_json:
        echo_json([_edition_data(e) for e in found])
        return
    for edition in found:
        where = "bundled" if edition.bundled else edition.location
        click.echo(f"{edition.name:<10} effective {edition.effective.isoformat()}  {where}")

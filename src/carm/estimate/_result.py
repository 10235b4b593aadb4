"""The estimate: per-line amounts, totals, and the working behind each amount (text, HTML, dict)."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from carm.errors import ValidationErrors
from carm.fx import Quote
from carm.money import Money, format_money

if TYPE_CHECKING:
    from carm.estimate._model import Settings, Shipment

__all__ = [
    "EVALUATION",
    "Estimate",
    "LandedOption",
    "LineEstimate",
    "LineOptions",
    "LowValueOutcome",
    "Step",
    "Working",
]

_ZERO = Decimal(0)


@attrs.frozen
class Step:
    """One step of the working: what was computed, how, the result, and the rule it follows."""

    what: str
    formula: str
    amount: Decimal | None
    source: str

    def render(self, indent: str = "  ") -> str:
        text = f"{indent}{self.what:<15} {self.formula}"
        return f"{text}\n{indent}{'':<15} [{self.source}]" if self.source else text


EVALUATION = "<rate evaluation>"
"""The template of a step whose formula is a rate's own explanation (built only when shown)."""


class Working(list[tuple[str, str, tuple[Any, ...], Decimal | None, str, Quote | None]]):
    """The steps of a line as plain data, turned into text only when someone reads them.

    Formatting every figure of every line would cost more than computing them; bulk estimates
    never read most of it. Plain tuples also travel between processes (``workers=``).
    """

    def add(
        self,
        what: str,
        template: str,
        *args: Any,
        amount: Decimal | None = None,
        source: str = "",
        quote: Quote | None = None,
    ) -> None:
        self.append((what, template, args, amount, source, quote))

    def steps(self) -> tuple[Step, ...]:
        found = []
        for what, template, args, amount, source, quote in self:
            if template == EVALUATION:
                rate, value, quantities, rounded = args
                formula = f"{'; '.join(rate.evaluate(value, quantities).lines())} → {rounded}"
            else:
                formula = template.format(*args)
            if quote is not None:
                source = f"{source}; {quote.explain()}"
            found.append(Step(what, formula, amount, source))
        return tuple(found)


class Rework:
    """The working of lines estimated without it (in bulk, or in another process), worked out
    again when read.

    Keeping or sending back every line's working costs more than computing it; the engine is
    deterministic, so the shipment is estimated again, once, when a line's working is asked for.
    Every line of the shipment shares this one object.
    """

    __slots__ = ("_estimate", "settings", "shipment")

    def __init__(self, shipment: Shipment, settings: Settings) -> None:
        self.shipment = shipment
        self.settings = settings
        self._estimate: Estimate | None = None

    def line(self, index: int) -> LineEstimate:
        if self._estimate is None:
            from carm.estimate._engine import estimate

            self._estimate = estimate(self.shipment, settings=self.settings)
        return self._estimate.lines[index]


# Without slots: attrs then fills a frozen instance's __dict__ directly, twice as fast as setting
# eighteen slots one by one; a bulk run makes one per line.
@attrs.frozen(slots=False)
class LineEstimate:
    """Every duty and tax on one line, in CAD, each rounded by the estimate's policy."""

    index: int
    classification: str
    description: str
    origin: str
    treatment: str
    treatment_code: str | None
    duty_rate: str
    quote: Quote
    value_for_duty: Decimal
    customs_duty: Decimal
    surtax: Decimal
    sima: Decimal
    excise_duty: Decimal
    excise_tax: Decimal
    value_for_tax: Decimal
    gst_hst: Decimal
    pst: Decimal
    working: Working | Rework = attrs.field(repr=False, eq=False)

    @property
    def steps(self) -> tuple[Step, ...]:
        """The working of the line: each step's rule, formula, result and source."""
        working = self.working
        if isinstance(working, Rework):
            return working.line(self.index).steps
        return working.steps()

    @property
    def total_duties(self) -> Decimal:
        return self.customs_duty + self.surtax + self.sima + self.excise_duty + self.excise_tax

    @property
    def total_taxes(self) -> Decimal:
        return self.gst_hst + self.pst

    @property
    def total(self) -> Decimal:
        """Everything due on the line: duties and taxes."""
        return self.total_duties + self.total_taxes

    def explain(self) -> str:
        head = f"Line {self.index + 1}: {self.classification}"
        if self.description:
            head += f" {self.description}"
        return "\n".join([f"{head} (origin {self.origin})", *(s.render() for s in self.steps)])

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "classification": self.classification,
            "description": self.description,
            "origin": self.origin,
            "treatment": self.treatment,
            "treatment_code": self.treatment_code,
            "duty_rate": self.duty_rate,
            "exchange_rate": {
                "currency": self.quote.currency,
                "rate": str(self.quote.rate),
                "observed": self.quote.observed.isoformat() if self.quote.observed else None,
                "source": self.quote.source,
            },
            **{name: str(getattr(self, name)) for name in AMOUNTS},
            "total": str(self.total),
            "steps": [
                {
                    "what": s.what,
                    "formula": s.formula,
                    "amount": None if s.amount is None else str(s.amount),
                    "source": s.source,
                }
                for s in self.steps
            ],
        }


AMOUNTS = (
    "value_for_duty",
    "customs_duty",
    "surtax",
    "sima",
    "excise_duty",
    "excise_tax",
    "value_for_tax",
    "gst_hst",
    "pst",
)


@attrs.frozen
class LowValueOutcome:
    """Which low-value rule applied to the shipment, if any, and what it relieved."""

    rule: str | None
    duties_relieved: bool
    taxes_relieved: bool
    source: str
    total_value_for_duty: Decimal
    note: str


@attrs.frozen
class LandedOption:
    """The landed cost of a line under one treatment."""

    treatment: str
    duty_rate: str
    customs_duty: Decimal
    line_total: Decimal
    shipment_total: Decimal


@attrs.frozen
class LineOptions:
    """Every treatment a line may claim, its landed cost under each, and the one the estimate used."""

    index: int
    classification: str
    chosen: str
    options: tuple[LandedOption, ...]

    def explain(self) -> str:
        rows = [f"Line {self.index + 1}: {self.classification}"]
        for option in self.options:
            mark = "*" if option.treatment == self.chosen else " "
            rows.append(
                f" {mark} {option.treatment:<6} {option.duty_rate:<34} duty {option.customs_duty:>10}"
                f"  line total {option.line_total:>10}  shipment total {option.shipment_total:>10}"
            )
        return "\n".join(rows)


def _sum(lines: Sequence[LineEstimate], name: str) -> Decimal:
    return sum((getattr(line, name) for line in lines), _ZERO)


@attrs.frozen
class Estimate:
    """Duties and taxes on a shipment, in CAD. Totals are sums of the lines' rounded amounts."""

    shipment: Shipment = attrs.field(repr=False)
    lines: tuple[LineEstimate, ...]
    low_value: LowValueOutcome
    edition: str
    settings: Settings = attrs.field(repr=False)
    engine: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    """The schedule and tables the estimate used, so that :meth:`options` can use them again."""

    value_for_duty = property(lambda self: _sum(self.lines, "value_for_duty"))
    customs_duty = property(lambda self: _sum(self.lines, "customs_duty"))
    surtax = property(lambda self: _sum(self.lines, "surtax"))
    sima = property(lambda self: _sum(self.lines, "sima"))
    excise_duty = property(lambda self: _sum(self.lines, "excise_duty"))
    excise_tax = property(lambda self: _sum(self.lines, "excise_tax"))
    value_for_tax = property(lambda self: _sum(self.lines, "value_for_tax"))
    gst_hst = property(lambda self: _sum(self.lines, "gst_hst"))
    pst = property(lambda self: _sum(self.lines, "pst"))
    total_duties = property(lambda self: _sum(self.lines, "total_duties"))
    total_taxes = property(lambda self: _sum(self.lines, "total_taxes"))
    total = property(lambda self: _sum(self.lines, "total"))

    def options(self) -> tuple[LineOptions, ...]:
        """For each line, the landed cost under every treatment open to it (others unchanged)."""
        from carm.estimate._engine import estimate
        from carm.tariff.treatments import default_table

        treatments = self.engine.get("treatments") or default_table()
        found = []
        for line, given in zip(self.lines, self.shipment.lines, strict=True):
            eligible = treatments.treatments_for(
                line.origin, self.shipment.release_date, proof_of_origin=given.proof_of_origin
            )
            options = []
            for treatment in eligible:
                lines = list(self.shipment.lines)
                lines[line.index] = attrs.evolve(given, treatment=treatment.abbreviation)
                try:
                    other = estimate(
                        attrs.evolve(self.shipment, lines=lines),
                        settings=self.settings,
                        **self.engine,
                    )
                except ValidationErrors:
                    continue  # the line has no rate for this treatment
                priced = other.lines[line.index]
                options.append(
                    LandedOption(
                        treatment.abbreviation, priced.duty_rate, priced.customs_duty,
                        priced.total, other.total,
                    )
                )  # fmt: skip
            found.append(
                LineOptions(line.index, line.classification, line.treatment, tuple(options))
            )
        return tuple(found)

    def _heading(self) -> str:
        s = self.shipment
        return (
            f"Estimate: {s.importation} goods by {s.mode}, to {s.province}, released "
            f"{s.release_date.isoformat()} (Customs Tariff {self.edition})"
        )

    def totals(self) -> dict[str, Decimal]:
        names = (*AMOUNTS, "total_duties", "total_taxes", "total")
        return {name: getattr(self, name) for name in names}

    def explain(self) -> str:
        """Every step of every line: rule, inputs, formula, result and legal source; then the totals."""
        parts = [self._heading(), ""]
        for line in self.lines:
            parts.extend([line.explain(), ""])
        parts.append(f"Low-value rule: {self.low_value.note}")
        if self.low_value.source:
            parts.append(f"  [{self.low_value.source}]")
        parts.append("")
        parts.append("Totals (sums of the rounded line amounts, CAD)")
        for name, amount in self.totals().items():
            parts.append(f"  {name.replace('_', ' '):<15} {amount:>14}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        s = self.shipment
        return {
            "importation": s.importation,
            "mode": s.mode,
            "province": s.province,
            "release_date": s.release_date.isoformat(),
            "edition": self.edition,
            "rounding": self.settings.rounding.name,
            "low_value": {
                "rule": self.low_value.rule,
                "duties_relieved": self.low_value.duties_relieved,
                "taxes_relieved": self.low_value.taxes_relieved,
                "note": self.low_value.note,
                "source": self.low_value.source,
            },
            "lines": [line.to_dict() for line in self.lines],
            "totals": {name: str(amount) for name, amount in self.totals().items()},
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def table(self, locale: str = "en_CA") -> str:
        """A readable table of the lines and the totals."""
        columns = (
            "value_for_duty",
            "customs_duty",
            "surtax",
            "excise_duty",
            "gst_hst",
            "pst",
            "total",
        )
        heads = ("#", "classification", "treatment", *(c.replace("_", " ") for c in columns))
        rows = [
            (
                str(line.index + 1),
                line.classification,
                line.treatment,
                *(format_money(Money(getattr(line, c)), locale) for c in columns),
            )
            for line in self.lines
        ]
        rows.append(
            ("", "total", "", *(format_money(Money(getattr(self, c)), locale) for c in columns))
        )
        widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
        out = []
        for row in [heads, *rows]:
            cells = [
                row[i].ljust(widths[i]) if i < 3 else row[i].rjust(widths[i])
                for i in range(len(row))
            ]
            out.append("  ".join(cells).rstrip())
        out.insert(1, "  ".join("-" * w for w in widths))
        out.insert(len(out) - 1, "  ".join("-" * w for w in widths))
        return "\n".join(out)

    def _repr_html_(self) -> str:
        columns = (*(name for name in AMOUNTS if name != "value_for_tax"), "total")
        head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in columns)
        body = []
        for line in self.lines:
            cells = "".join(
                f"<td style='text-align:right'>{getattr(line, c)}</td>" for c in columns
            )
            body.append(
                f"<tr><td>{line.index + 1}</td><td>{html.escape(line.classification)}</td>"
                f"<td>{html.escape(line.treatment)} {html.escape(line.duty_rate)}</td>{cells}</tr>"
            )
        totals = "".join(f"<th style='text-align:right'>{getattr(self, c)}</th>" for c in columns)
        return (
            f"<p>{html.escape(self._heading())}</p>"
            "<table><thead><tr><th>#</th><th>classification</th><th>treatment</th>"
            f"{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            f"<tfoot><tr><th></th><th>total</th><th></th>{totals}</tr></tfoot></table>"
            f"<p>{html.escape(self.low_value.note)}</p>"
        )

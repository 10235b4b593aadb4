"""From a shipment to every duty and tax, line by line, with the working.

The order follows the law: value for duty (Customs Act ss.45-55, converted under s.55), customs
duty at the treatment's rate (Customs Tariff), surtaxes (Customs Tariff s.53 orders), SIMA duties,
excise duty (Excise Act, 2001 and Customs Tariff ss.21.1-21.2) and excise tax (Excise Tax Act
Part III, Select Luxury Items Tax Act), then GST/HST on the value for tax (ETA ss.212, 215) and,
for casual goods, the provincial taxes the CBSA collects. Low-value rules (Courier and Postal
Imports Remission Orders) apply to the shipment as a whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, Final, NamedTuple, TypeVar, cast

import attrs

from carm.errors import (
    ErrorCollector,
    InvalidComponent,
    MissingQuantity,
    NotInEffect,
    ValidationError,
    ValidationErrors,
)
from carm.estimate._model import CheckedLine, CheckedShipment, Settings, Shipment, check_shipment
from carm.estimate._result import (
    EVALUATION,
    Estimate,
    LineEstimate,
    LowValueOutcome,
    Rework,
    Working,
)
from carm.estimate._rules import Candidate, LinePlan, Rules, SalesTaxes, candidate, rules_for
from carm.estimate._tables import Tables, default_tables
from carm.fx import Quote
from carm.tariff import Schedule, TariffLine, load_schedule
from carm.tariff._units import convert_quantity
from carm.tariff.rates import Rate, Specific, parse_rate
from carm.tariff.treatments import TreatmentTable, default_table

__all__ = ["estimate", "estimate_figures"]

_T = TypeVar("_T")
_R = TypeVar("_R")
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_HUNDRED: Final = Decimal(100)
# Goods the low-value remission orders exclude (CN 20-18; D8-2-2): alcoholic beverages and tobacco.
_EXCLUDED_HEADINGS: Final = ("2203", "2204", "2205", "2206", "2208", "24")
_LUXURY_KINDS: Final = ("luxury-vehicle", "luxury-aircraft", "luxury-vessel")
_TAX_KINDS: Final = ("fuel-inefficient-vehicle", "vehicle-air-conditioner", *_LUXURY_KINDS)
_SOURCE_VFD: Final = "Customs Act ss.48, 55; Memorandum D13-2-3 (currency conversion)"
_SOURCE_GST: Final = (
    "Excise Tax Act ss.212, 215 (value for tax = value for duty + all duties and taxes)"
)
_SOURCE_TREATMENT: Final = (
    "Customs Tariff ss.24-52 (tariff treatments); Customs Tariff List of Countries"
)
_SOURCE_SIMA: Final = "Special Import Measures Act (supplied by the caller)"


@attrs.frozen
class _Context:
    shipment: Shipment
    checked: CheckedShipment
    settings: Settings
    rules: Rules  # with the schedule, tables, treatments, release date and casual-or-not in use
    zero: Decimal  # 0 rounded by the policy ("0.00"), so that every amount shows its cents
    rework: Rework | None  # None: keep each line's steps; else work them out again when read
    sales_taxes: SalesTaxes
    quotes: dict[str, Quote] = attrs.field(factory=dict)  # by currency, for this shipment


class _Priced(NamedTuple):
    """A line after the first pass: its tariff line, quantities, exchange rate and value for duty.

    A named tuple, as :class:`CheckedLine`: one per line.
    """

    checked: CheckedLine
    plan: LinePlan
    quantities: dict[str, Decimal]
    quote: Quote
    value_for_duty: Decimal

    @property
    def tariff_line(self) -> TariffLine:
        return self.plan.tariff_line


def _quantities(cl: CheckedLine, tline: TariffLine) -> dict[str, Decimal]:
    if not cl.quantities and cl.alcohol is None and tline.uom is not None:
        # The common line: at most its quantity in the line's unit.
        return {} if cl.line_quantity is None else {tline.uom: cl.line_quantity}
    found = dict(cl.quantities)
    if cl.line_quantity is not None:
        if tline.uom is None:
            raise InvalidComponent(
                f"{tline.code} has no unit of measure, so a bare quantity means nothing",
                value=cl.line.quantity,
                path="quantity",
                expected="quantities={'KGM': ...} naming the unit",
            )
        found.setdefault(tline.uom, cl.line_quantity)
    if cl.alcohol is not None and "LPA" not in found:
        litres = convert_quantity(found, "LTR")
        if litres is not None:
            found["LPA"] = litres * cl.alcohol / _HUNDRED
    return found


def _price(ctx: _Context, cl: CheckedLine) -> _Priced:
    try:
        plan = ctx.rules.plan(cl.line.classification, cl.origin, cl.line.proof_of_origin)
    except ValidationError as error:  # the origin is checked: the classification is wrong
        raise error.moved("classification") from None
    quantities = _quantities(cl, plan.tariff_line)
    quote = ctx.quotes.get(cl.currency)
    if quote is None:
        day = ctx.shipment.direct_shipment_date or ctx.rules.day
        quote = ctx.quotes[cl.currency] = ctx.checked.fx.quote(cl.currency, day)
    vfd = ctx.settings.rounding.round(cl.value * quote.rate)
    return _Priced(cl, plan, quantities, quote, vfd)


class _Unrecorded(Working):
    """Steps that are not kept (see :func:`estimate_figures`)."""

    def append(self, step: Any) -> None:
        pass

    def add(self, *args: Any, **kwargs: Any) -> None:
        pass


_UNRECORDED: Final = _Unrecorded()


# The treatment chosen with its rate, why, and the duty before rounding (a plain tuple: one a line).
_Chosen = tuple[Candidate, str, Decimal]


def _choose_treatment(priced: _Priced, ctx: _Context) -> _Chosen:
    cl, plan = priced.checked, priced.plan
    tline, eligible = plan.tariff_line, plan.eligible
    vfd, quantities = priced.value_for_duty, priced.quantities
    if cl.line.treatment is not None:
        forced = ctx.rules.treatments.treatment(cl.line.treatment)
        if forced not in eligible:
            raise InvalidComponent(
                f"treatment {forced.abbreviation} is not open to goods of {cl.origin} on "
                f"{ctx.rules.day.isoformat()}"
                + ("" if cl.line.proof_of_origin else " without proof of origin"),
                value=cl.line.treatment,
                path="treatment",
                expected="one of " + ", ".join(t.abbreviation for t in eligible),
            )
        rate = cl.rate or tline.rates.get(forced.abbreviation)
        if rate is None or not rate.available:
            raise InvalidComponent(
                f"{tline.code} has no {forced.abbreviation} rate",
                value=cl.line.treatment,
                path="treatment",
                expected="a treatment the line lists: " + ", ".join(tline.rates),
            )
        duty = rate.unchecked_duty(vfd, quantities)
        return candidate(tline, forced, rate), "forced by the caller", duty
    if cl.rate is not None:
        duty = cl.rate.unchecked_duty(vfd, quantities)
        return candidate(tline, eligible[0], cl.rate), "rate given by the caller", duty
    if not plan.candidates:
        raise InvalidComponent(
            f"no treatment open to goods of {cl.origin} has a rate on {tline.code}",
            value=cl.origin,
            path="origin",
        )
    candidates = plan.candidates
    best = candidates[0]
    duty = best.rate.unchecked_duty(vfd, quantities)
    for other in candidates[1:]:
        other_duty = other.rate.unchecked_duty(vfd, quantities)
        if other_duty < duty:
            best, duty = other, other_duty
    return best, plan.why, duty


def _blocked(
    rate: Rate, quantities: Mapping[str, Decimal], block: Decimal | None
) -> dict[str, Decimal]:
    if block is None or not isinstance(rate, Specific):
        return dict(quantities)
    quantity = convert_quantity(quantities, rate.unit)
    if quantity is None:
        return dict(quantities)
    blocks = math.ceil(quantity / block)
    return {**quantities, rate.unit: block * blocks}


def _excise(
    priced: _Priced, ctx: _Context, duty_paid: Decimal, steps: Working
) -> tuple[Decimal, Decimal]:
    """Excise duty and excise tax on the line (rounded), with their steps."""
    cl = priced.checked
    excise = cl.excise
    if excise is None:
        return _ZERO, _ZERO
    rounding = ctx.settings.rounding
    if excise.kind in _LUXURY_KINDS:
        row = ctx.rules.tables.luxury_for(excise.kind, ctx.rules.day)
        if row is None:
            raise NotInEffect(
                f"no luxury tax rule for {excise.kind} on {ctx.rules.day.isoformat()}",
                value=excise.kind,
                path="excise.kind",
            )
        if duty_paid <= row.threshold:
            steps.add("excise tax", "luxury tax: {} ≤ threshold {}: none", duty_paid, row.threshold,
                      amount=_ZERO, source=row.source)  # fmt: skip
            return _ZERO, _ZERO
        of_value = duty_paid * row.rate_of_value / _HUNDRED
        of_excess = (duty_paid - row.threshold) * row.rate_of_excess / _HUNDRED
        tax = rounding.round(min(of_value, of_excess))
        steps.add(
            "excise tax",
            "luxury tax: lesser of {}% of {} ({}) and {}% of {} − {} ({}) = {}",
            row.rate_of_value, duty_paid, of_value, row.rate_of_excess, duty_paid, row.threshold,
            of_excess, tax,
            amount=tax,
            source=row.source + "; taxable amount taken as the duty-paid value (a setting to verify)",
        )  # fmt: skip
        return _ZERO, tax
    if excise.rate is not None:
        rate_pairs: list[tuple[Rate, Decimal | None, str, bool]] = [
            (parse_rate(excise.rate), None, "rate given by the caller", excise.kind in _TAX_KINDS)
        ]
    else:
        rows = ctx.rules.excise(excise.kind, cl.alcohol, cl.fuel_consumption)
        if (
            not rows
            and excise.kind == "fuel-inefficient-vehicle"
            and cl.fuel_consumption is not None
        ):
            steps.add("excise tax", "green levy: {} L/100 km is under 13: none", cl.fuel_consumption,
                      amount=_ZERO, source="Excise Tax Act Sch. I s.6")  # fmt: skip
            return _ZERO, _ZERO
        if not rows:
            raise _no_excise_rate(cl, ctx)
        rate_pairs = [(row.rate, row.block, row.source, row.levy == "tax") for row in rows]
    duty_total = tax_total = _ZERO
    for rate, block, source, is_tax in rate_pairs:
        quantities = _blocked(rate, priced.quantities, block)
        try:
            amount = rounding.round(rate.unchecked_duty(priced.value_for_duty, quantities))
        except MissingQuantity as error:
            raise MissingQuantity(
                error.message, path="quantities", expected=error.expected
            ) from None
        blocked = f" (charged per whole {block})" if block is not None else ""
        steps.add("excise tax" if is_tax else "excise duty", "{}: {}{} = {}", excise.kind, rate.text,
                  blocked, amount, amount=amount, source=source)  # fmt: skip
        if is_tax:
            tax_total += amount
        else:
            duty_total += amount
    return duty_total, tax_total


def _no_excise_rate(cl: CheckedLine, ctx: _Context) -> NotInEffect:
    assert cl.excise is not None
    kind = cl.excise.kind
    known = sorted(
        {f"{r.valid_from}..{r.valid_to or ''}" for r in ctx.rules.tables.excise_known(kind)}
    )
    needs = ""
    if kind in ("spirits", "wine", "beer") and cl.alcohol is None:
        needs = " (give alcohol=% by volume)"
    if kind == "fuel-inefficient-vehicle" and cl.fuel_consumption is None:
        needs = " (give excise=Excise(..., fuel_consumption=...))"
    return NotInEffect(
        f"no bundled {kind} excise rate for {ctx.rules.day.isoformat()}{needs}",
        value=kind,
        path="excise",
        expected=f"excise=Excise({kind!r}, rate='...') with the rate in force; "
        f"bundled periods: {', '.join(known) or 'none'}",
    )


def _line(ctx: _Context, relief: LowValueOutcome, factor: Decimal, priced: _Priced) -> LineEstimate:
    cl, tline, quote = priced.checked, priced.plan.tariff_line, priced.quote
    rounding = ctx.settings.rounding.round
    keep = ctx.rework is None  # on the common path, not even build the steps not kept
    steps = Working() if keep else _UNRECORDED
    # Steps go in as Working's plain tuples: (what, template, args, amount, source, quote).
    record = steps.append
    vfd = priced.value_for_duty
    if not keep:
        pass
    elif quote.currency == "CAD":
        record(("value for duty", "{} CAD = {}", (cl.value, vfd), vfd, _SOURCE_VFD, None))
    else:
        args = (cl.value, quote.currency, quote.rate, vfd)
        record(("value for duty", "{} {} × {} = {}", args, vfd, _SOURCE_VFD, quote))
    if factor != 1:
        vfd = rounding(vfd * factor)
        quantities = {k: v * factor for k, v in priced.quantities.items()}
        priced = priced._replace(value_for_duty=vfd, quantities=quantities)
        record(("value charged", "the excess over the gift allowance: {}", (vfd,), vfd,
                relief.source, None))  # fmt: skip
    (treatment, rate, rate_text, source), why, duty = _choose_treatment(priced, ctx)
    customs_duty = rounding(duty)
    if keep:
        record(("treatment", "{} ({}): {}", (treatment.abbreviation, treatment.name, why), None,
                _SOURCE_TREATMENT, None))  # fmt: skip
        record(("customs duty", EVALUATION, (rate, vfd, priced.quantities, customs_duty),
                customs_duty, source, None))  # fmt: skip
    zero = ctx.zero
    surtax = zero
    for row in priced.plan.surtaxes:
        amount = rounding(vfd * row.rate / _HUNDRED)
        surtax += amount
        record(("surtax", "{}: {}% of {} = {}", (row.name, row.rate, vfd, amount), amount,
                row.source, None))  # fmt: skip
    sima = zero
    if cl.sima is not None:
        sima = rounding(cl.sima)
        record(("SIMA", "amount given: {}", (sima,), sima, _SOURCE_SIMA + " (amount)", None))
    elif cl.sima_percent is not None:
        sima = rounding(vfd * cl.sima_percent / _HUNDRED)
        record(("SIMA", "{}% of {} = {}", (cl.sima_percent, vfd, sima), sima,
                _SOURCE_SIMA + " (rate)", None))  # fmt: skip
    excise_duty = excise_tax = zero
    if cl.excise is not None:
        duties = _excise(priced, ctx, vfd + customs_duty + surtax + sima, steps)
        excise_duty, excise_tax = zero + duties[0], zero + duties[1]
    if relief.duties_relieved:
        relieved = customs_duty + surtax + excise_duty + excise_tax
        if relieved:
            record(("relief", "duties of {} relieved: {}", (relieved, relief.note), _ZERO,
                    relief.source, None))  # fmt: skip
        customs_duty = surtax = excise_duty = excise_tax = zero
    in_base = excise_tax
    if (
        not ctx.settings.luxury_tax_in_value_for_tax
        and cl.excise is not None
        and cl.excise.kind in _LUXURY_KINDS
    ):
        in_base = zero
    value_for_tax = vfd + customs_duty + surtax + sima + excise_duty + in_base
    if keep:
        record(("value for tax", "{} + {} + {} + {} + {} + {} = {}",
                (vfd, customs_duty, surtax, sima, excise_duty, in_base, value_for_tax),
                value_for_tax, _SOURCE_GST, None))  # fmt: skip
    gst_hst, pst = _taxes(cl, ctx, value_for_tax, steps)
    gst_hst, pst = zero + gst_hst, zero + pst
    if relief.taxes_relieved:
        if gst_hst or pst:
            record(("relief", "taxes of {} relieved: {}", (gst_hst + pst, relief.note), _ZERO,
                    relief.source, None))  # fmt: skip
        gst_hst = pst = zero
    return LineEstimate(
        cl.position, tline.code, cl.line.description, cl.origin, treatment.abbreviation,
        treatment.code, rate_text, quote, vfd, customs_duty, surtax, sima, excise_duty,
        excise_tax, value_for_tax, gst_hst, pst,
        steps if ctx.rework is None else ctx.rework,
    )  # fmt: skip


def _taxes(
    cl: CheckedLine, ctx: _Context, value_for_tax: Decimal, steps: Working
) -> tuple[Decimal, Decimal]:
    if cl.line.gst_exempt:
        steps.add("GST/HST", "relief code {}: not taxable", cl.line.gst_exempt, amount=_ZERO,
                  source="Excise Tax Act Sch. VII (non-taxable importations)")  # fmt: skip
        return _ZERO, _ZERO
    rounding = ctx.settings.rounding.round
    row, why, provincial, share = ctx.sales_taxes
    if row is None:
        raise NotInEffect(
            f"no GST rate for {ctx.rules.day.isoformat()}", value=ctx.rules.day, path="release_date"
        )
    gst_hst = rounding(value_for_tax * share)
    if steps is not _UNRECORDED:
        steps.append((row.tax, "{}% of {} = {}{}", (row.rate, value_for_tax, gst_hst, why),
                      gst_hst, row.source, None))  # fmt: skip
    pst = _ZERO
    for other in provincial:
        pst = rounding(value_for_tax * other.rate / _HUNDRED)
        steps.append((other.tax, "{}% of {} = {}", (other.rate, value_for_tax, pst), pst,
                      other.source, None))  # fmt: skip
    return gst_hst, pst


def _low_value(priced: list[_Priced], ctx: _Context) -> tuple[LowValueOutcome, Decimal]:
    """The low-value rule of the shipment, and the share of value charged (1 unless a gift)."""
    total = sum((p.value_for_duty for p in priced), _ZERO)
    shipment = ctx.shipment
    mode = ctx.checked.mode
    mode = "postal-gift" if shipment.gift and mode == "postal" else mode

    def none(note: str) -> tuple[LowValueOutcome, Decimal]:
        return LowValueOutcome(None, False, False, "", total, note), _ONE

    if mode == "other":
        return none("none: the low-value rules cover courier and postal shipments")
    if shipment.gift and (mode != "postal-gift" or not ctx.rules.casual):
        return none("none: the gift allowance covers casual gifts by mail")
    excluded = [
        p
        for p in priced
        if p.tariff_line.tariff_item.startswith(_EXCLUDED_HEADINGS) or p.checked.excise is not None
    ]
    if excluded:
        return none(
            f"none: line {excluded[0].checked.position + 1} holds goods the remission orders exclude (alcohol, tobacco, excise goods)"
        )
    rows = ctx.rules.tables.low_value_for(mode, ctx.rules.day)
    if not rows:
        raise NotInEffect(
            f"no low-value rule for {mode} shipments on {ctx.rules.day.isoformat()}",
            value=ctx.rules.day,
            path="release_date",
        )
    shipped_from = ctx.checked.shipped_from
    line_origins = {p.checked.shipped_from for p in priced if p.checked.shipped_from}
    if shipped_from is None and len(line_origins) == 1:
        shipped_from = line_origins.pop()
    needs_country = any(row.shipped_from is not None for row in rows) and total <= max(
        r.max_value for r in rows
    )
    if shipped_from is None and needs_country:
        raise InvalidComponent(
            "the low-value rules depend on where the goods are shipped from",
            value=None,
            path="shipped_from",
            expected="shipped_from='US' (the country of direct shipment)",
        )
    for row in rows:
        if not row.applies_from(shipped_from):
            continue
        where = f"shipped from {shipped_from}" if row.shipped_from else "from any country"
        if "allowance" in row.relieves:
            if total <= row.max_value:
                return LowValueOutcome(
                    mode,
                    True,
                    True,
                    row.source,
                    total,
                    f"gift by mail of {total} ≤ {row.max_value}: no duties or taxes",
                ), _ONE
            factor = (total - row.max_value) / total
            return LowValueOutcome(
                mode,
                False,
                False,
                row.source,
                total,
                f"gift by mail of {total}: duties and taxes on the {total - row.max_value} over {row.max_value}",
            ), factor
        if total <= row.max_value:
            relieved = " and ".join(sorted(row.relieves))
            return LowValueOutcome(
                mode,
                "duties" in row.relieves,
                "taxes" in row.relieves,
                row.source,
                total,
                f"{mode} shipment {where}, value for duty {total} ≤ {row.max_value}: {relieved} relieved",
            ), _ONE
    return none(f"none: value for duty {total} is over every {mode} threshold")


def _position(line: CheckedLine) -> int:
    return line.position


def _priced_position(priced: _Priced) -> int:
    return priced.checked.position


def _every_line(
    items: Sequence[_T],
    work: Callable[[_T], _R],
    index: Callable[[_T], int],
    errors: ErrorCollector,
) -> list[_R]:
    """``work`` on every line; on any error, once more line by line, collecting every error.

    The engine is deterministic, so the second pass finds the same results and the errors of
    every line, at ``lines[i]``; most shipments never need it.
    """
    try:
        return [work(item) for item in items]
    except (ValidationError, ValidationErrors):
        pass
    done = []
    for item in items:
        with errors.catch(path=f"lines[{index(item)}]"):
            done.append(work(item))
    return done


def estimate(
    shipment: Shipment,
    *,
    settings: Settings | None = None,
    schedule: Schedule | None = None,
    tables: Tables | None = None,
    treatments: TreatmentTable | None = None,
) -> Estimate:
    """Every duty and tax the CBSA would assess on ``shipment``, in CAD, with the working.

    ``schedule`` defaults to the edition in effect on the release date; ``tables`` and
    ``treatments`` to the bundled ones. Every problem of the shipment is reported at once
    (:class:`~carm.errors.ValidationErrors`, paths like ``lines[2].classification``).
    """
    return _estimate(shipment, settings, schedule, tables, treatments, working=True)


def estimate_figures(
    shipment: Shipment,
    settings: Settings | None = None,
    schedules: dict[date, Schedule] | None = None,
) -> Estimate:
    """:func:`estimate` without keeping the working: each line works it out again when read.

    For bulk runs, which read the working of few lines if any: recording every step of every line
    costs a third of the run, most of it in the garbage collector's passes over the steps.
    ``schedules`` keeps the schedule in effect on each release date for the run (finding it looks
    at the cache directory, which costs more than a one-line shipment's arithmetic).
    """
    schedule = None
    if schedules is not None and isinstance(cast(object, shipment.release_date), date):
        day = shipment.release_date
        schedule = schedules.get(day)
        if schedule is None:
            schedule = schedules[day] = load_schedule(as_of=day)
    return _estimate(shipment, settings, schedule, None, None, working=False)


def _estimate(
    shipment: Shipment,
    settings: Settings | None,
    schedule: Schedule | None,
    tables: Tables | None,
    treatments: TreatmentTable | None,
    *,
    working: bool,
) -> Estimate:
    errors = ErrorCollector("the shipment cannot be estimated")
    checked = check_shipment(shipment, errors)
    settings = settings or Settings()
    if not isinstance(cast(object, shipment.release_date), date):
        errors.raise_if_any()  # nothing more can be checked without the date
    day = shipment.release_date
    in_use = (  # "is not None", not "or": a schedule's truth is its length
        schedule if schedule is not None else load_schedule(as_of=day),
        tables if tables is not None else default_tables(),
        treatments if treatments is not None else default_table(),
    )
    casual = checked.importation == "casual"
    rules = rules_for(*in_use, day, casual)
    zero = settings.rounding.round(_ZERO)
    rework = None if working else Rework(shipment, settings)
    taxes = rules.sales_taxes(checked.province, settings.hst_on_commercial)
    ctx = _Context(shipment, checked, settings, rules, zero, rework, taxes)
    # partial, not lambda: called once a line, and a partial adds no Python frame.
    priced = _every_line(checked.lines, partial(_price, ctx), _position, errors)
    errors.raise_if_any()
    relief, factor = _low_value(priced, ctx)
    lines = _every_line(priced, partial(_line, ctx, relief, factor), _priced_position, errors)
    errors.raise_if_any()
    engine = {"schedule": schedule, "tables": tables, "treatments": treatments}
    return Estimate(
        shipment,
        tuple(lines),
        relief,
        ctx.rules.schedule.edition,
        settings,
        {key: value for key, value in engine.items() if value is not None},
    )

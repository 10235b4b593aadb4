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
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Final, cast

import attrs

from carm.errors import (
    ErrorCollector,
    InvalidComponent,
    MissingQuantity,
    NotInEffect,
    ValidationError,
)
from carm.estimate._model import CheckedLine, CheckedShipment, Settings, Shipment, check_shipment
from carm.estimate._result import EVALUATION, Estimate, LineEstimate, LowValueOutcome, Working
from carm.estimate._tables import Tables, default_tables
from carm.fx import Quote
from carm.money import RoundingPolicy
from carm.tariff import Schedule, TariffLine, load_schedule
from carm.tariff._units import convert_quantity
from carm.tariff.rates import Rate, Specific, parse_rate
from carm.tariff.treatments import Treatment, TreatmentTable, default_table

__all__ = ["estimate"]

_ZERO: Final = Decimal(0)
_HUNDRED: Final = Decimal(100)
_HST: Final = "HST"
_PROVINCIAL: Final = ("PST", "QST", "RST")
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
    day: date
    schedule: Schedule
    tables: Tables
    treatments: TreatmentTable
    settings: Settings
    casual: bool


@attrs.frozen
class _Priced:
    """A line after the first pass: its tariff line, quantities, exchange rate and value for duty."""

    checked: CheckedLine
    tariff_line: TariffLine
    quantities: dict[str, Decimal]
    quote: Quote
    value_for_duty: Decimal


def _round(amount: Decimal, rounding: RoundingPolicy) -> Decimal:
    return rounding.round(amount)


def _quantities(cl: CheckedLine, tline: TariffLine) -> dict[str, Decimal]:
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


def _price(cl: CheckedLine, ctx: _Context) -> _Priced:
    try:
        tline = ctx.schedule.lookup(cl.line.classification)
    except ValidationError as error:
        raise error.moved("classification") from None
    quantities = _quantities(cl, tline)
    quote = ctx.checked.fx.quote(cl.currency, ctx.shipment.direct_shipment_date or ctx.day)
    vfd = _round(cl.value * quote.rate, ctx.settings.rounding)
    return _Priced(cl, tline, quantities, quote, vfd)


def _choose_treatment(priced: _Priced, ctx: _Context) -> tuple[Treatment, Rate, str]:
    cl, tline = priced.checked, priced.tariff_line
    eligible = ctx.treatments.treatments_for(
        cl.origin, ctx.day, proof_of_origin=cl.line.proof_of_origin
    )
    if cl.line.treatment is not None:
        forced = ctx.treatments.treatment(cl.line.treatment)
        if forced not in eligible:
            raise InvalidComponent(
                f"treatment {forced.abbreviation} is not open to goods of {cl.origin} on "
                f"{ctx.day.isoformat()}"
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
        return forced, rate, "forced by the caller"
    if cl.rate is not None:
        return eligible[0], cl.rate, "rate given by the caller"
    best: tuple[Decimal, Treatment, Rate] | None = None
    for treatment in eligible:
        rate = tline.rates.get(treatment.abbreviation)
        if rate is None or not rate.available:
            continue
        duty = rate.unchecked_duty(priced.value_for_duty, priced.quantities)
        if best is None or duty < best[0]:
            best = (duty, treatment, rate)
    if best is None:
        raise InvalidComponent(
            f"no treatment open to goods of {cl.origin} has a rate on {tline.code}",
            value=cl.origin,
            path="origin",
        )
    others = len(eligible) - 1
    why = "the lowest duty of the eligible treatments" if others else "the only eligible treatment"
    return best[1], best[2], why


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
        row = ctx.tables.luxury_for(excise.kind, ctx.day)
        if row is None:
            raise NotInEffect(
                f"no luxury tax rule for {excise.kind} on {ctx.day.isoformat()}",
                value=excise.kind,
                path="excise.kind",
            )
        if duty_paid <= row.threshold:
            steps.add("excise tax", "luxury tax: {} ≤ threshold {}: none", duty_paid, row.threshold,
                      amount=_ZERO, source=row.source)  # fmt: skip
            return _ZERO, _ZERO
        of_value = duty_paid * row.rate_of_value / _HUNDRED
        of_excess = (duty_paid - row.threshold) * row.rate_of_excess / _HUNDRED
        tax = _round(min(of_value, of_excess), rounding)
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
        rows = ctx.tables.excise_for(
            excise.kind, ctx.day, alcohol=cl.alcohol, fuel=cl.fuel_consumption
        )
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
            amount = _round(rate.duty(priced.value_for_duty, quantities), rounding)
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
    known = sorted({f"{r.valid_from}..{r.valid_to or ''}" for r in ctx.tables.excise_known(kind)})
    needs = ""
    if kind in ("spirits", "wine", "beer") and cl.alcohol is None:
        needs = " (give alcohol=% by volume)"
    if kind == "fuel-inefficient-vehicle" and cl.fuel_consumption is None:
        needs = " (give excise=Excise(..., fuel_consumption=...))"
    return NotInEffect(
        f"no bundled {kind} excise rate for {ctx.day.isoformat()}{needs}",
        value=kind,
        path="excise",
        expected=f"excise=Excise({kind!r}, rate='...') with the rate in force; "
        f"bundled periods: {', '.join(known) or 'none'}",
    )


def _line(priced: _Priced, ctx: _Context, relief: LowValueOutcome, factor: Decimal) -> LineEstimate:
    cl, tline, quote = priced.checked, priced.tariff_line, priced.quote
    rounding = ctx.settings.rounding
    steps = Working()
    if quote.currency == "CAD":
        steps.add("value for duty", "{} CAD = {}", cl.value, priced.value_for_duty,
                  amount=priced.value_for_duty, source=_SOURCE_VFD)  # fmt: skip
    else:
        steps.add("value for duty", "{} {} × {} = {}", cl.value, quote.currency, quote.rate,
                  priced.value_for_duty, amount=priced.value_for_duty, source=_SOURCE_VFD,
                  quote=quote)  # fmt: skip
    if factor != 1:
        priced = attrs.evolve(
            priced,
            value_for_duty=_round(priced.value_for_duty * factor, rounding),
            quantities={k: v * factor for k, v in priced.quantities.items()},
        )
        steps.add("value charged", "the excess over the gift allowance: {}", priced.value_for_duty,
                  amount=priced.value_for_duty, source=relief.source)  # fmt: skip
    vfd = priced.value_for_duty
    treatment, rate, why = _choose_treatment(priced, ctx)
    customs_duty = _round(rate.unchecked_duty(vfd, priced.quantities), rounding)
    steps.add("treatment", "{} ({}): {}", treatment.abbreviation, treatment.name, why,
              source=_SOURCE_TREATMENT)  # fmt: skip
    steps.add("customs duty", EVALUATION, rate, vfd, priced.quantities, customs_duty,
              amount=customs_duty,
              source=f"Customs Tariff {tline.edition}, {tline.code}, {treatment.abbreviation}")  # fmt: skip
    zero = _round(_ZERO, rounding)  # "0.00", so that every amount shows its cents
    surtax = zero
    for row in ctx.tables.surtaxes_for(
        tline.tariff_item.replace(".", ""), cl.origin, ctx.day, casual=ctx.casual
    ):
        amount = _round(vfd * row.rate / _HUNDRED, rounding)
        surtax += amount
        steps.add("surtax", "{}: {}% of {} = {}", row.name, row.rate, vfd, amount, amount=amount,
                  source=row.source)  # fmt: skip
    sima = zero
    if cl.sima is not None:
        sima = _round(cl.sima, rounding)
        steps.add("SIMA", "amount given: {}", sima, amount=sima, source=_SOURCE_SIMA + " (amount)")
    elif cl.sima_percent is not None:
        sima = _round(vfd * cl.sima_percent / _HUNDRED, rounding)
        steps.add("SIMA", "{}% of {} = {}", cl.sima_percent, vfd, sima, amount=sima,
                  source=_SOURCE_SIMA + " (rate)")  # fmt: skip
    duty_paid = vfd + customs_duty + surtax + sima
    excise_duty, excise_tax = (zero + amount for amount in _excise(priced, ctx, duty_paid, steps))
    if relief.duties_relieved:
        relieved = customs_duty + surtax + excise_duty + excise_tax
        if relieved:
            steps.add("relief", "duties of {} relieved: {}", relieved, relief.note, amount=_ZERO,
                      source=relief.source)  # fmt: skip
        customs_duty = surtax = excise_duty = excise_tax = zero
    in_base = excise_tax
    if (
        not ctx.settings.luxury_tax_in_value_for_tax
        and cl.excise is not None
        and cl.excise.kind in _LUXURY_KINDS
    ):
        in_base = zero
    value_for_tax = vfd + customs_duty + surtax + sima + excise_duty + in_base
    steps.add("value for tax", "{} + {} + {} + {} + {} + {} = {}", vfd, customs_duty, surtax, sima,
              excise_duty, in_base, value_for_tax, amount=value_for_tax, source=_SOURCE_GST)  # fmt: skip
    gst_hst, pst = (zero + amount for amount in _taxes(cl, ctx, value_for_tax, steps))
    if relief.taxes_relieved:
        if gst_hst or pst:
            steps.add("relief", "taxes of {} relieved: {}", gst_hst + pst, relief.note,
                      amount=_ZERO, source=relief.source)  # fmt: skip
        gst_hst = pst = zero
    return LineEstimate(
        index=cl.index,
        classification=tline.code,
        description=cl.line.description,
        origin=cl.origin,
        treatment=treatment.abbreviation,
        treatment_code=treatment.code,
        duty_rate=rate.text,
        quote=quote,
        value_for_duty=vfd,
        customs_duty=customs_duty,
        surtax=surtax,
        sima=sima,
        excise_duty=excise_duty,
        excise_tax=excise_tax,
        value_for_tax=value_for_tax,
        gst_hst=gst_hst,
        pst=pst,
        working=steps,
    )


def _taxes(
    cl: CheckedLine, ctx: _Context, value_for_tax: Decimal, steps: Working
) -> tuple[Decimal, Decimal]:
    rounding = ctx.settings.rounding
    if cl.line.gst_exempt:
        steps.add("GST/HST", "relief code {}: not taxable", cl.line.gst_exempt, amount=_ZERO,
                  source="Excise Tax Act Sch. VII (non-taxable importations)")  # fmt: skip
        return _ZERO, _ZERO
    province = ctx.checked.province
    hst = ctx.tables.sales_tax_rate(province, _HST, ctx.day)
    if hst is not None and (ctx.casual or ctx.settings.hst_on_commercial):
        row = hst
    else:
        gst = ctx.tables.sales_tax_rate(province, "GST", ctx.day)
        if gst is None:
            raise NotInEffect(
                f"no GST rate for {ctx.day.isoformat()}", value=ctx.day, path="release_date"
            )
        row = gst
    gst_hst = _round(value_for_tax * row.rate / _HUNDRED, rounding)
    why = ""
    if row.tax != _HST and hst is not None:
        why = " (commercial goods: GST; see Settings.hst_on_commercial)"
    steps.add(row.tax, "{}% of {} = {}{}", row.rate, value_for_tax, gst_hst, why, amount=gst_hst,
              source=row.source)  # fmt: skip
    pst = _ZERO
    if ctx.casual:
        for tax in _PROVINCIAL:
            provincial = ctx.tables.sales_tax_rate(province, tax, ctx.day)
            if provincial is not None:
                pst = _round(value_for_tax * provincial.rate / _HUNDRED, rounding)
                steps.add(tax, "{}% of {} = {}", provincial.rate, value_for_tax, pst, amount=pst,
                          source=provincial.source)  # fmt: skip
    return gst_hst, pst


def _low_value(priced: list[_Priced], ctx: _Context) -> tuple[LowValueOutcome, Decimal]:
    """The low-value rule of the shipment, and the share of value charged (1 unless a gift)."""
    total = sum((p.value_for_duty for p in priced), _ZERO)
    shipment = ctx.shipment
    mode = "postal-gift" if shipment.gift and shipment.mode == "postal" else shipment.mode
    none = LowValueOutcome(None, False, False, "", total, "")
    if mode == "other":
        return attrs.evolve(
            none, note="none: the low-value rules cover courier and postal shipments"
        ), Decimal(1)
    if shipment.gift and (mode != "postal-gift" or not ctx.casual):
        return attrs.evolve(
            none, note="none: the gift allowance covers casual gifts by mail"
        ), Decimal(1)
    excluded = [
        p
        for p in priced
        if p.tariff_line.tariff_item.startswith(_EXCLUDED_HEADINGS) or p.checked.excise is not None
    ]
    if excluded:
        return attrs.evolve(
            none,
            note=f"none: line {excluded[0].checked.index + 1} holds goods the remission orders exclude (alcohol, tobacco, excise goods)",
        ), Decimal(1)
    rows = ctx.tables.low_value_for(mode, ctx.day)
    if not rows:
        raise NotInEffect(
            f"no low-value rule for {mode} shipments on {ctx.day.isoformat()}",
            value=ctx.day,
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
                ), Decimal(1)
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
            ), Decimal(1)
    return attrs.evolve(
        none, note=f"none: value for duty {total} is over every {mode} threshold"
    ), Decimal(1)


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
    errors = ErrorCollector("the shipment cannot be estimated")
    checked = check_shipment(shipment, errors)
    settings = settings or Settings()
    if not isinstance(cast(object, shipment.release_date), date):
        errors.raise_if_any()  # nothing more can be checked without the date
    ctx = _Context(
        shipment=shipment,
        checked=checked,
        day=shipment.release_date,
        schedule=schedule or load_schedule(as_of=shipment.release_date),
        tables=tables or default_tables(),
        treatments=treatments or default_table(),
        settings=settings,
        casual=str(shipment.importation).strip().lower() == "casual",
    )
    priced: list[_Priced] = []
    for cl in checked.lines:
        with errors.catch(path=f"lines[{cl.index}]"):
            priced.append(_price(cl, ctx))
    errors.raise_if_any()
    relief, factor = _low_value(priced, ctx)
    lines: list[LineEstimate] = []
    for item in priced:
        with errors.catch(path=f"lines[{item.checked.index}]"):
            lines.append(_line(item, ctx, relief, factor))
    errors.raise_if_any()
    engine = {"schedule": schedule, "tables": tables, "treatments": treatments}
    return Estimate(
        shipment,
        tuple(lines),
        relief,
        ctx.schedule.edition,
        settings,
        {key: value for key, value in engine.items() if value is not None},
    )

"""Assessment: the duties and taxes of every CAD line, computed by :mod:`carm.estimate`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import attrs

from carm.declarations._model import Assessment, Declaration, DeclarationLine, Header, Invoice
from carm.declarations._validate import DeclarationError, validate
from carm.errors import ValidationErrors
from carm.estimate import Estimate, Excise, Line, LineEstimate, Settings, Shipment, estimate
from carm.fx import ExchangeRateSource, FixedRates

__all__ = ["assess", "from_estimate"]


def _estimate_line(line: DeclarationLine, invoice: Invoice, uom: str | None) -> Line:
    quantities: dict[str, Decimal] = {}
    if line.weight is not None:
        quantities["KGM"] = line.weight
    excise = None
    if line.excise_kind is not None:
        excise = Excise(line.excise_kind, rate=line.excise_rate)
    return Line(
        classification=line.classification,
        value=line.value,
        currency=invoice.currency,
        origin=invoice.origin,
        quantity=line.quantity if uom is not None else None,
        quantities=quantities,
        description=line.description,
        treatment=invoice.treatment,
        sima=line.sima_amount,
        gst_exempt=line.gst_relief,
        alcohol=line.alcohol,
        excise=excise,
        shipped_from=invoice.place_of_export,
    )


def assess(
    cad: Declaration,
    *,
    exchange_rates: Mapping[str, Decimal | str] | None = None,
    fx: ExchangeRateSource | None = None,
    settings: Settings | None = None,
    **validate_options: object,
) -> Declaration:
    """The declaration with each line's :class:`Assessment` and each invoice's exchange rate.

    An invoice's own ``exchange_rate`` wins; otherwise ``exchange_rates`` or ``fx`` give it (on
    the date of direct shipment). The declaration is validated first.
    """
    validate(cad, **validate_options)  # type: ignore[arg-type]
    from carm.tariff import load_schedule

    schedule = load_schedule(as_of=cad.header.release_date)
    source = fx or FixedRates(exchange_rates or {})
    invoices = []
    for invoice in cad.invoices:
        rate = invoice.exchange_rate
        if rate is None:
            rate = source.quote(invoice.currency, invoice.direct_shipment_date).rate
        shipment = Shipment(
            lines=[
                _estimate_line(line, invoice, schedule.lookup(line.classification).uom)
                for line in invoice.lines
            ],
            release_date=cad.header.release_date,
            province=cad.header.province,
            importation="commercial",
            exchange_rates={invoice.currency: rate},
            direct_shipment_date=invoice.direct_shipment_date,
        )
        try:
            result = estimate(shipment, settings=settings, schedule=schedule)
        except ValidationErrors as group:
            index = cad.invoices.index(invoice)
            raise DeclarationError(
                "the declaration cannot be assessed",
                [e.at(f"invoices[{index}]") for e in group.errors],
            ) from None
        lines = tuple(
            attrs.evolve(line, assessed=_assessment(priced))
            for line, priced in zip(invoice.lines, result.lines, strict=True)
        )
        invoices.append(attrs.evolve(invoice, lines=lines, exchange_rate=rate))
    return attrs.evolve(cad, invoices=tuple(invoices))


def _assessment(line: LineEstimate) -> Assessment:
    return Assessment(
        treatment=line.treatment,
        duty_rate=line.duty_rate,
        value_for_duty=line.value_for_duty,
        customs_duty=line.customs_duty,
        surtax=line.surtax,
        sima=line.sima,
        excise_duty=line.excise_duty,
        excise_tax=line.excise_tax,
        value_for_tax=line.value_for_tax,
        gst=line.gst_hst,
    )


def from_estimate(
    est: Estimate,
    *,
    header: Header,
    vendor: str,
    direct_shipment_date: date | None = None,
    place_of_export: str | None = None,
) -> Declaration:
    """A declaration from an estimate: one invoice per (currency, origin), the estimate's treatments."""
    groups: dict[tuple[str, str, str], list[DeclarationLine]] = {}
    rates: dict[tuple[str, str, str], Decimal] = {}
    for given, priced in zip(est.shipment.lines, est.lines, strict=True):
        key = (given.currency.upper(), priced.origin, priced.treatment)
        groups.setdefault(key, []).append(
            DeclarationLine(
                classification=priced.classification,
                description=given.description,
                value=Decimal(given.value),
                quantity=Decimal(given.quantity) if given.quantity is not None else None,
                sima_amount=Decimal(given.sima)
                if given.sima is not None and not str(given.sima).endswith("%")
                else None,
                gst_relief=given.gst_exempt,
                assessed=_assessment(priced),
            )
        )
        rates[key] = priced.quote.rate
    invoices = tuple(
        Invoice(
            vendor=vendor,
            currency=currency,
            origin=origin,
            place_of_export=place_of_export or est.shipment.shipped_from or origin,
            direct_shipment_date=direct_shipment_date
            or est.shipment.direct_shipment_date
            or header.release_date,
            treatment=treatment,
            lines=tuple(lines),
            exchange_rate=rates[(currency, origin, treatment)],
        )
        for (currency, origin, treatment), lines in groups.items()
    )
    return Declaration(header=header, invoices=invoices)

"""Every treatment that goods may claim on a tariff line, with its rate, and the cheapest one.

Option selection is kept apart from rate evaluation (as in the UK duty calculator): the caller sees
every option, not one silently chosen answer.

>>> from datetime import date
>>> from decimal import Decimal
>>> from carm import tariff
>>> line = tariff.load_schedule().lookup("6109.10.00.11")
>>> choice = line.options(origin="MX", as_of=date(2026, 10, 1), value_for_duty=Decimal("1000"))
>>> [(o.treatment.abbreviation, o.rate.text, o.duty) for o in choice.options]
[('MFN', '18%', Decimal('180')), ('MXT', 'Free', Decimal('0')), ('CPTPT', 'Free', Decimal('0'))]
>>> choice.recommended.treatment.abbreviation
'MXT'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Final

import attrs

from carm.errors import MissingQuantity
from carm.tariff.rates import NotAvailable, Rate
from carm.tariff.treatments import Treatment, TreatmentTable, default_table

if TYPE_CHECKING:
    from carm.tariff.schedule import TariffLine

__all__ = ["TreatmentOption", "TreatmentOptions", "options_for"]

_COMPARISON_VALUE: Final = Decimal(100)


@attrs.frozen
class TreatmentOption:
    """One treatment the goods may claim, its rate on the line, and the duty when it can be computed."""

    treatment: Treatment
    rate: Rate
    duty: Decimal | None
    note: str | None = None

    @property
    def available(self) -> bool:
        return self.rate.available


@attrs.frozen
class TreatmentOptions:
    """Every option, in the order of :func:`~carm.tariff.treatments_for`, and the recommended one."""

    line: str
    origin: str
    as_of: date
    options: tuple[TreatmentOption, ...]
    recommended: TreatmentOption | None
    reason: str

    def explain(self) -> str:
        rows = [f"Treatments for {self.line}, goods of {self.origin}, on {self.as_of.isoformat()}:"]
        for option in self.options:
            duty = "" if option.duty is None else f"  duty {option.duty}"
            mark = "*" if option is self.recommended else " "
            note = f"  ({option.note})" if option.note else ""
            rows.append(
                f" {mark} {option.treatment.abbreviation:<6} {option.rate.text}{duty}{note}"
            )
        rows.append(self.reason)
        return "\n".join(rows)


def options_for(
    line: TariffLine,
    *,
    origin: str,
    as_of: date,
    proof_of_origin: bool = True,
    value_for_duty: Decimal | None = None,
    quantities: Mapping[str, Decimal] | None = None,
    table: TreatmentTable | None = None,
) -> TreatmentOptions:
    """See :meth:`carm.tariff.TariffLine.options`."""
    eligible = (table or default_table()).treatments_for(
        origin, as_of, proof_of_origin=proof_of_origin
    )
    found: list[TreatmentOption] = []
    for treatment in eligible:
        rate = line.rates.get(treatment.abbreviation, NotAvailable())
        if not rate.available:
            note = (
                "N/A on this line"
                if treatment.abbreviation in line.rates
                else "no rate for this treatment on this line"
            )
            found.append(TreatmentOption(treatment, rate, None, note))
            continue
        duty: Decimal | None = None
        missing_note: str | None = None
        if value_for_duty is not None:
            try:
                duty = rate.duty(value_for_duty, quantities)
            except MissingQuantity as missing:
                missing_note = missing.message
        found.append(TreatmentOption(treatment, rate, duty, missing_note))
    recommended, reason = _recommend(found, value_for_duty is not None)
    return TreatmentOptions(line.code, origin.upper(), as_of, tuple(found), recommended, reason)


def _recommend(options: list[TreatmentOption], valued: bool) -> tuple[TreatmentOption | None, str]:
    candidates = [option for option in options if option.available]
    if not candidates:
        return None, "No treatment with a rate applies."
    if valued:
        priced = [option for option in candidates if option.duty is not None]
        if len(priced) < len(candidates):
            return None, "Give the quantities every rate needs to compare the options."
        # min() keeps the first of equal duties: MFN before any preference that needs proof.
        best = min(priced, key=lambda option: option.duty or Decimal(0))
        return best, f"Recommended: {best.treatment.abbreviation}, the lowest duty ({best.duty})."
    if any(option.rate.units for option in candidates):
        return None, "Give value_for_duty and quantities to compare specific rates."
    best = min(candidates, key=lambda option: option.rate.duty(_COMPARISON_VALUE))
    return best, f"Recommended: {best.treatment.abbreviation}, the lowest rate ({best.rate.text})."

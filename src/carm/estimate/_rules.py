"""What a line's figures depend on besides its own numbers, looked up once and kept.

For one schedule, set of tables, treatment table, release date and kind of importation, the
tariff line of a classification, the treatments open to an origin with their rates, the surtaxes,
excise rows and sales-tax rows never change; a bulk run asks for the same few of them on every
line. :func:`rules_for` keeps them per such context (the inputs are immutable, and each kept
context holds them alive, so an identity is never reused while kept).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final, NamedTuple

import attrs

from carm.estimate._tables import ExciseRow, SalesTaxRow, SurtaxRow, Tables
from carm.tariff import Schedule, TariffLine
from carm.tariff.rates import Rate
from carm.tariff.treatments import Treatment, TreatmentTable

__all__ = ["Candidate", "LinePlan", "Rules", "SalesTaxes", "candidate", "rules_for"]

_PROVINCIAL: Final = ("PST", "QST", "RST")
_CONTEXTS_KEPT: Final = 32
_PLANS_KEPT: Final = 100_000


class Candidate(NamedTuple):
    """A treatment with its rate on a tariff line, the rate's text and the duty's legal source."""

    treatment: Treatment
    rate: Rate
    rate_text: str
    source: str


def candidate(tariff_line: TariffLine, treatment: Treatment, rate: Rate) -> Candidate:
    source = f"Customs Tariff {tariff_line.edition}, {tariff_line.code}, {treatment.abbreviation}"
    return Candidate(treatment, rate, rate.text, source)


class SalesTaxes(NamedTuple):
    """The federal row (None: no GST rate on the day), why GST not HST, the provincial rows."""

    federal: SalesTaxRow | None
    why: str
    provincial: tuple[SalesTaxRow, ...]
    federal_share: Decimal  # the federal rate over 100, divided once for every line


@attrs.frozen
class LinePlan:
    """A classification from an origin: its tariff line, the treatments open, their rates, surtaxes.

    ``candidates`` are the eligible treatments that have a rate on the line, in the treatment
    table's order; ``eligible`` all of them (a forced treatment must be one).
    """

    tariff_line: TariffLine
    eligible: tuple[Treatment, ...]
    candidates: tuple[Candidate, ...]
    surtaxes: tuple[SurtaxRow, ...]
    why: str  # why the engine takes the candidate it does


class Rules:
    """The lookups of one context, each answered once."""

    def __init__(
        self,
        schedule: Schedule,
        tables: Tables,
        treatments: TreatmentTable,
        day: date,
        casual: bool,
    ) -> None:
        self.schedule, self.tables, self.treatments = schedule, tables, treatments
        self.day, self.casual = day, casual
        self._plans: dict[tuple[str, str, bool], LinePlan] = {}
        self._taxes: dict[tuple[str, bool], SalesTaxes] = {}
        self._excise: dict[tuple[str, Decimal | None, Decimal | None], tuple[ExciseRow, ...]] = {}

    def plan(self, classification: str, origin: str, proof_of_origin: bool) -> LinePlan:
        """Raises what the schedule or the treatment table raises (nothing is kept then)."""
        key = (classification, origin, proof_of_origin)
        found = self._plans.get(key)
        if found is None:
            tariff_line = self.schedule.lookup(classification)
            eligible = self.treatments.treatments_for(
                origin, self.day, proof_of_origin=proof_of_origin
            )
            rates = tariff_line.rates
            candidates = tuple(
                candidate(tariff_line, treatment, rate)
                for treatment in eligible
                if (rate := rates.get(treatment.abbreviation)) is not None and rate.available
            )
            surtaxes = self.tables.surtaxes_for(
                tariff_line.tariff_item.replace(".", ""), origin, self.day, casual=self.casual
            )
            many = len(eligible) > 1
            why = (
                "the lowest duty of the eligible treatments"
                if many
                else "the only eligible treatment"
            )
            found = LinePlan(tariff_line, eligible, candidates, surtaxes, why)
            if len(self._plans) < _PLANS_KEPT:
                self._plans[key] = found
        return found

    def sales_taxes(self, province: str, hst_on_commercial: bool) -> SalesTaxes:
        """GST or HST and, on casual goods, the provincial tax the CBSA collects for ``province``."""
        key = (province, hst_on_commercial)
        found = self._taxes.get(key)
        if found is None:
            day = self.day
            hst = self.tables.sales_tax_rate(province, "HST", day)
            row: SalesTaxRow | None
            if hst is not None and (self.casual or hst_on_commercial):
                row, why = hst, ""
            else:
                row = self.tables.sales_tax_rate(province, "GST", day)
                why = " (commercial goods: GST; see Settings.hst_on_commercial)" if hst else ""
            provincial: tuple[SalesTaxRow, ...] = ()
            if self.casual:
                found_rows = (self.tables.sales_tax_rate(province, t, day) for t in _PROVINCIAL)
                provincial = tuple(r for r in found_rows if r is not None)
            share = row.rate / 100 if row is not None else Decimal(0)
            found = self._taxes[key] = SalesTaxes(row, why, provincial, share)
        return found

    def excise(
        self, kind: str, alcohol: Decimal | None, fuel: Decimal | None
    ) -> tuple[ExciseRow, ...]:
        key = (kind, alcohol, fuel)
        found = self._excise.get(key)
        if found is None:
            found = self.tables.excise_for(kind, self.day, alcohol=alcohol, fuel=fuel)
            if len(self._excise) < _PLANS_KEPT:
                self._excise[key] = found
        return found


_KEPT: dict[tuple[int, int, int, date, bool], Rules] = {}


def rules_for(
    schedule: Schedule, tables: Tables, treatments: TreatmentTable, day: date, casual: bool
) -> Rules:
    key = (id(schedule), id(tables), id(treatments), day, casual)
    rules = _KEPT.get(key)
    if rules is None:
        if len(_KEPT) >= _CONTEXTS_KEPT:
            del _KEPT[next(iter(_KEPT))]  # the oldest
        rules = _KEPT[key] = Rules(schedule, tables, treatments, day, casual)
    return rules

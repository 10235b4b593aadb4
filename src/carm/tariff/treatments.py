"""Tariff treatments: their CBSA codes, and which countries of origin may claim each, as dated data.

>>> from datetime import date
>>> [t.abbreviation for t in treatments_for(origin="MX", as_of=date(2026, 10, 1))]
['MFN', 'MXT', 'CPTPT']
>>> [t.abbreviation for t in treatments_for(origin="MX", as_of=date(2026, 10, 1), proof_of_origin=False)]
['MFN']
>>> treatment("10")
Treatment(code='10', abbreviation='UST', name='United States Tariff (CUSMA)')

Which country may claim which treatment is in ``data/treatment_countries.csv``, one row per
treatment and period with its source (implementing Acts, CBSA customs notices). MFN applies to
goods of every country except those under the General Tariff (North Korea). A preferential
treatment also needs proof of origin and direct shipment; ``proof_of_origin=False`` leaves only
MFN or the General Tariff.

Settings, because the sources are incomplete:

- The General Preferential Tariff (GPT) beneficiary list could not be retrieved, so no country is
  offered GPT by default; the CCCT and LDCT lists are compiled and marked unverified. Pass a
  :class:`TreatmentTable` built with ``TreatmentTable.default().with_rows(...)`` (or read from your own CSV
  with :meth:`TreatmentTable.from_csv`) to add or correct countries.
- The numeric CBSA code of CPUKT is not confirmed (``code`` is ``None``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Final

import attrs

from carm.errors import InvalidComponent, InvalidFormat, InvalidType

__all__ = [
    "DEFAULT_TREATMENT",
    "Eligibility",
    "Treatment",
    "TreatmentTable",
    "country_code",
    "default_table",
    "treatment",
    "treatments_for",
]

DEFAULT_TREATMENT: Final = "MFN"
_GENERAL_TARIFF: Final = "GT"
# Codes the CBSA uses that ISO 3166 (and so pycountry) does not have.
_EXTRA_COUNTRIES: Final = frozenset({"XK"})


@attrs.frozen
class Treatment:
    """A tariff treatment: its two-digit CBSA code (``None`` where unconfirmed) and abbreviation."""

    code: str | None
    abbreviation: str
    name: str


@attrs.frozen
class Eligibility:
    """Countries that may claim ``treatment`` from ``valid_from`` to ``valid_to`` (both included)."""

    treatment: str
    countries: frozenset[str]
    valid_from: date
    valid_to: date | None
    verified: bool
    source: str

    def covers(self, country: str, day: date) -> bool:
        return (
            country in self.countries
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )


def country_code(value: object, *, path: str = "origin") -> str:
    """An ISO 3166 alpha-2 country code, upper-cased and checked."""
    if not isinstance(value, str):
        raise InvalidType(value=value, path=path, expected="a two-letter country code such as 'CN'")
    code = value.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise InvalidFormat(
            value=value, path=path, expected="a two-letter ISO 3166 code such as 'CN'"
        )
    if code not in _EXTRA_COUNTRIES and not _is_iso_country(code):
        raise InvalidComponent(
            "is not a known country", value=value, path=path, expected="an ISO 3166 code"
        )
    return code


@cache
def _is_iso_country(code: str) -> bool:
    import pycountry  # loaded on first use so that `import carm` stays fast

    return pycountry.countries.get(alpha_2=code) is not None


class TreatmentTable:
    """Treatments and who may claim them. :func:`default_table` is the bundled one."""

    def __init__(self, treatments: Iterable[Treatment], rows: Iterable[Eligibility]) -> None:
        self.treatments: Mapping[str, Treatment] = MappingProxyType(
            {t.abbreviation: t for t in treatments}
        )
        self._by_code = {t.code: t for t in self.treatments.values() if t.code}
        self.rows: tuple[Eligibility, ...] = tuple(rows)
        self._answers: dict[tuple[str, date, bool], tuple[Treatment, ...]] = {}
        for row in self.rows:
            if row.treatment not in self.treatments:
                raise InvalidComponent(
                    "is not a treatment of this table",
                    value=row.treatment,
                    path="treatment",
                    expected="one of " + ", ".join(self.treatments),
                )

    @staticmethod
    def default() -> TreatmentTable:
        """The bundled table (the same object every time)."""
        return default_table()

    def treatment(self, code: str) -> Treatment:
        """A treatment by abbreviation (``"UST"``) or CBSA code (``"10"``, ``"2"``)."""
        if not isinstance(code, str):
            raise InvalidType(value=code, path="treatment", expected="a treatment such as 'UST'")
        key = code.strip().upper()
        if key in self.treatments:
            return self.treatments[key]
        if key.isdigit() and key.zfill(2) in self._by_code:
            return self._by_code[key.zfill(2)]
        raise InvalidComponent(
            "is not a tariff treatment",
            value=code,
            path="treatment",
            expected="one of " + ", ".join(self.treatments),
        )

    def treatments_for(
        self, origin: str, as_of: date, *, proof_of_origin: bool = True
    ) -> tuple[Treatment, ...]:
        """The treatments goods of ``origin`` may claim on ``as_of``: MFN or GT first."""
        if not isinstance(as_of, date):
            raise InvalidType(value=as_of, path="as_of", expected="a datetime.date")
        key = (origin, as_of, proof_of_origin)
        found = self._answers.get(key) if isinstance(origin, str) else None
        if found is None:
            found = self._treatments_for(origin, as_of, proof_of_origin)
            if len(self._answers) < 100_000:  # bulk runs ask the same few questions many times
                self._answers[key] = found
        return found

    def _treatments_for(
        self, origin: str, as_of: date, proof_of_origin: bool
    ) -> tuple[Treatment, ...]:
        country = country_code(origin)
        if not isinstance(as_of, date):
            raise InvalidType(value=as_of, path="as_of", expected="a datetime.date")
        general = any(
            row.covers(country, as_of) for row in self.rows if row.treatment == _GENERAL_TARIFF
        )
        found = [self.treatments[_GENERAL_TARIFF if general else DEFAULT_TREATMENT]]
        if proof_of_origin and not general:
            for abbreviation in self.treatments:
                if abbreviation in (_GENERAL_TARIFF, DEFAULT_TREATMENT):
                    continue
                if any(
                    row.covers(country, as_of) for row in self.rows if row.treatment == abbreviation
                ):
                    found.append(self.treatments[abbreviation])
        return tuple(found)

    def sources(self, abbreviation: str, origin: str, as_of: date) -> tuple[Eligibility, ...]:
        """The rows (with their sources) that make ``origin`` eligible for a treatment."""
        country = country_code(origin)
        return tuple(
            row for row in self.rows if row.treatment == abbreviation and row.covers(country, as_of)
        )

    def with_rows(self, rows: Iterable[Eligibility]) -> TreatmentTable:
        """This table with more eligibility rows (your GPT beneficiaries, say)."""
        return TreatmentTable(self.treatments.values(), [*self.rows, *rows])

    @classmethod
    def from_csv(cls, treatments: Iterable[Treatment], path: str | Path) -> TreatmentTable:
        """A table whose eligibility rows come from a CSV laid out like the bundled one."""
        return cls(treatments, _read_rows(Path(path).read_text(encoding="utf-8")))


def _date(text: str, path: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidFormat(value=text, path=path, expected="YYYY-MM-DD") from None


def _read_rows(text: str) -> list[Eligibility]:
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        rows.append(
            Eligibility(
                treatment=record["treatment"].strip().upper(),
                countries=frozenset(
                    country_code(c, path="countries") for c in record["countries"].split()
                ),
                valid_from=_date(record["valid_from"], "valid_from"),
                valid_to=_date(record["valid_to"], "valid_to") if record["valid_to"] else None,
                verified=record.get("verified", "no").strip().lower() == "yes",
                source=record["source"],
            )
        )
    return rows


def _data(name: str) -> str:
    return resources.files("carm.tariff").joinpath("data", name).read_text(encoding="utf-8")


@cache
def default_table() -> TreatmentTable:
    """The bundled treatments and eligibility (loaded on first use)."""
    treatments = []
    for record in csv.DictReader(io.StringIO(_data("treatments.csv"))):
        code = record["cbsa_code"].strip() or None
        name = record["name"].split(";")[0].strip()
        treatments.append(Treatment(code, record["abbreviation"].strip(), name))
    return TreatmentTable(treatments, _read_rows(_data("treatment_countries.csv")))


def treatment(code: str, *, table: TreatmentTable | None = None) -> Treatment:
    """A treatment by abbreviation or CBSA code, from ``table`` (default: the bundled one)."""
    return (table or default_table()).treatment(code)


def treatments_for(
    origin: str,
    as_of: date,
    *,
    proof_of_origin: bool = True,
    table: TreatmentTable | None = None,
) -> tuple[Treatment, ...]:
    """The treatments goods of ``origin`` may claim on ``as_of`` (see the module docstring)."""
    return (table or default_table()).treatments_for(origin, as_of, proof_of_origin=proof_of_origin)

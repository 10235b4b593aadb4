"""The Customs Tariff: the schedule, duty-rate expressions and tariff treatments.

>>> from datetime import date
>>> from decimal import Decimal
>>> from carm import tariff
>>> sched = tariff.load_schedule(as_of=date(2026, 10, 1))
>>> line = sched.lookup("6109.10.00.11")
>>> line.rate("MFN").duty(Decimal("1200.00"))
Decimal('216.00')

The bundled data is edition T2026-2 (an excerpt: 314 tariff items) over the HS 2022 nomenclature;
``carm tariff import`` adds the CBSA's full schedule. Nothing loads until first use.
"""

from carm.tariff.classify import Candidate, classify, normalise
from carm.tariff.editions import (
    Edition,
    available_editions,
    cache_directory,
    import_edition,
    load_schedule,
)
from carm.tariff.excise_codes import ExciseCodes, ExciseTaxCode, read_excise_codes
from carm.tariff.options import TreatmentOption, TreatmentOptions
from carm.tariff.rates import (
    AdValorem,
    Bounded,
    Compound,
    Evaluation,
    Free,
    NotAvailable,
    Rate,
    Specific,
    parse_preferential,
    parse_rate,
)
from carm.tariff.schedule import Node, Schedule, TariffLine
from carm.tariff.treatments import (
    Eligibility,
    Treatment,
    TreatmentTable,
    treatment,
    treatments_for,
)

__all__ = [
    "AdValorem",
    "Bounded",
    "Candidate",
    "Compound",
    "Edition",
    "Eligibility",
    "Evaluation",
    "ExciseCodes",
    "ExciseTaxCode",
    "Free",
    "Node",
    "NotAvailable",
    "Rate",
    "Schedule",
    "Specific",
    "TariffLine",
    "Treatment",
    "TreatmentOption",
    "TreatmentOptions",
    "TreatmentTable",
    "available_editions",
    "cache_directory",
    "classify",
    "import_edition",
    "load_schedule",
    "normalise",
    "parse_preferential",
    "parse_rate",
    "read_excise_codes",
    "treatment",
    "treatments_for",
]

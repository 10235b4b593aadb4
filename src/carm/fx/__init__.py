"""Exchange-rate sources: a fixed table, Bank of Canada CSV files, and the Bank's Valet API.

Every source answers ``quote(currency, on)`` with a :class:`Quote`: CAD per one unit of the
currency, the date of the rate used, the source and the date rule, so an estimate can say exactly
which rate it converted at. A missing rate raises :class:`~carm.errors.NotInEffect`.

>>> from datetime import date
>>> from carm import fx
>>> fx.FixedRates({"USD": "1.3712"}).quote("USD", date(2026, 10, 15)).explain()
'1 USD = 1.3712 CAD (rates given, rate for 2026-10-15; a fixed rate, whatever the date)'
"""

from carm.fx._base import (
    DEFAULT_DATE_RULE,
    DEFAULT_MAX_AGE_DAYS,
    DateRule,
    ExchangeRateSource,
    ObservationTable,
    Quote,
)
from carm.fx.bank_of_canada import (
    VALET_URL,
    BankOfCanadaCSV,
    ValetSource,
    read_valet_csv,
    read_valet_json,
)
from carm.fx.fixed import FixedRates

__all__ = [
    "DEFAULT_DATE_RULE",
    "DEFAULT_MAX_AGE_DAYS",
    "VALET_URL",
    "BankOfCanadaCSV",
    "DateRule",
    "ExchangeRateSource",
    "FixedRates",
    "ObservationTable",
    "Quote",
    "ValetSource",
    "read_valet_csv",
    "read_valet_json",
]

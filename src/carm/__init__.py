"""carm: Canadian customs for software.

Tariff classification, landed-cost estimates, the Accounts Receivable Ledger, delegation of
authority, Commercial Accounting Declarations and rulings, modelled on the CBSA's CARM system.

This module is the public surface: everything listed in ``__all__`` is supported API. Importing
``carm`` loads no data; each data set loads on first use, once.
"""

from carm import (
    auth,
    calendar,
    declarations,
    errors,
    fx,
    identifiers,
    ledger,
    money,
    rulings,
    serialization,
    tariff,
)
from carm._version import __version__
from carm.calendar import BillingCycle, BillingPeriod, BusinessCalendar, billing_period
from carm.errors import (
    CarmError,
    CurrencyMismatch,
    ErrorCollector,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidState,
    InvalidType,
    MissingQuantity,
    NotAllowed,
    NotInEffect,
    ServiceError,
    UnknownCode,
    ValidationError,
    ValidationErrors,
)

# Importing the function binds `carm.estimate` to it, over the package of the same name, so that
# `carm.estimate(shipment)` works; `from carm.estimate import ...` still reaches the package.
from carm.estimate import (
    Estimate,
    Excise,
    Line,
    Settings,
    Shipment,
    estimate,
    estimate_frame,
    estimate_many,
)
from carm.money import DEFAULT_ROUNDING, Money, RoundingPolicy, format_money, round_amount

__all__ = [
    "DEFAULT_ROUNDING",
    "BillingCycle",
    "BillingPeriod",
    "BusinessCalendar",
    "CarmError",
    "CurrencyMismatch",
    "ErrorCollector",
    "Estimate",
    "Excise",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "InvalidState",
    "InvalidType",
    "Line",
    "MissingQuantity",
    "Money",
    "NotAllowed",
    "NotInEffect",
    "RoundingPolicy",
    "ServiceError",
    "Settings",
    "Shipment",
    "UnknownCode",
    "ValidationError",
    "ValidationErrors",
    "__version__",
    "auth",
    "billing_period",
    "calendar",
    "declarations",
    "errors",
    "estimate",
    "estimate_frame",
    "estimate_many",
    "format_money",
    "fx",
    "identifiers",
    "ledger",
    "money",
    "round_amount",
    "rulings",
    "serialization",
    "tariff",
]

"""Commercial Accounting Declarations: model, validation, assessment, versions, JSON.

See docs/declarations.md for a multi-invoice CAD validated, assessed, corrected and adjusted.
"""

from carm.declarations._amend import Change, Difference, LineDifference, amend, diff
from carm.declarations._assess import assess, from_estimate
from carm.declarations._json import from_json, to_json
from carm.declarations._model import (
    CAD_TYPES,
    SIMA_SUBJECT,
    TRANSPORT_MODES,
    VFD_CODES,
    Assessment,
    Declaration,
    DeclarationLine,
    Header,
    Invoice,
)
from carm.declarations._validate import DeclarationError, validate

__all__ = [
    "CAD_TYPES",
    "SIMA_SUBJECT",
    "TRANSPORT_MODES",
    "VFD_CODES",
    "Assessment",
    "Change",
    "Declaration",
    "DeclarationError",
    "DeclarationLine",
    "Difference",
    "Header",
    "Invoice",
    "LineDifference",
    "amend",
    "assess",
    "diff",
    "from_estimate",
    "from_json",
    "to_json",
    "validate",
]

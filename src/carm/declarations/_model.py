"""The Commercial Accounting Declaration: header, invoices, commodity lines, and their codes.

The CAD replaced the B3 and B2 under CARM: one versioned declaration whose transaction number stays
the same across versions, at three levels — declaration, invoice, commodity line — with lines
not consolidated (each invoice line is a CAD line). Sources: ``reference/cbsa-carm-facts.md``
section 1 (PCB, GHY, Buckland, Cole; the B3-3 field list, CBSA form B3-3).

The complete CARM code lists (CAD types, modes of transport, value-for-duty codes) were not found:
each list below holds the codes the sources name, says what it misses, and
``validate(..., extra_codes=...)`` accepts codes a user knows to be valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Final

import attrs

__all__ = [
    "CAD_TYPES",
    "SIMA_SUBJECT",
    "TRANSPORT_MODES",
    "VFD_CODES",
    "Assessment",
    "Declaration",
    "DeclarationLine",
    "Header",
    "Invoice",
]

CAD_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "AB": "accounting for goods released on a release document (legacy B3 type, green wrapper)",
        "AD": "accounting after release, with duties deferred (legacy B3 type)",
        "C": "cash: paid at the time of entry (importers without RPP security)",
        "D": "duty-paid goods, account (legacy B3 type)",
        "F": "pre-CARM 'as declared' / courier low-value consolidated",
        "H": "legacy B3 type H",
        "M": "legacy B3 type M",
        "V": "voluntary declaration of goods that entered without release (Customs Act s.31)",
        "TT": "Customs Self-Assessment importers, released on RMD",
    }
)
"""CAD types named by the sources (D17-1-10's B3 types; GHY, CSCB, a vendor KB for C, V, TT, F).
Incomplete: no full CARM list was found."""

TRANSPORT_MODES: Final[Mapping[str, str]] = MappingProxyType(
    {"1": "air", "2": "highway", "6": "rail", "7": "pipeline", "8": "postal", "9": "marine"}
)
"""Mode of transport codes as used on the B3 (field 7). The CARM list was not found
(``reference/cbsa-carm-facts.md`` section 8); these are the legacy values, to verify."""

VFD_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        f"{related}{method}": f"{'related' if related == '2' else 'not related'} parties; "
        f"value by Customs Act s.{section}"
        for related in ("1", "2")
        for method, section in (
            ("3", "48"),
            ("4", "49"),
            ("5", "50"),
            ("6", "51"),
            ("7", "52"),
            ("8", "53"),
        )
    }
)
"""Value-for-duty codes (B3 field 31): first digit whether vendor and purchaser are related, second
the valuation method (3 transaction value s.48 ... 8 residual s.53; Customs Act ss.48-53). The
pairing of digits to sections is the legacy B3 coding; the CARM list was not found."""

SIMA_SUBJECT: Final[Mapping[str, str]] = MappingProxyType(
    {"S": "subject", "N": "non-subject", "U": "undertaking"}
)
"""The CAD's "SIMA Subject" field (CBSA Bulletin 5391 via CSCB)."""


@attrs.frozen
class Assessment:
    """What carm assessed on a line, in CAD (rounded by the estimate's policy)."""

    treatment: str
    duty_rate: str
    value_for_duty: Decimal
    customs_duty: Decimal
    surtax: Decimal
    sima: Decimal
    excise_duty: Decimal
    excise_tax: Decimal
    value_for_tax: Decimal
    gst: Decimal

    @property
    def total(self) -> Decimal:
        return (
            self.customs_duty
            + self.surtax
            + self.sima
            + self.excise_duty
            + self.excise_tax
            + self.gst
        )


@attrs.frozen
class DeclarationLine:
    """A commodity line (one invoice line).

    ``excise_code`` is the CBSA excise code as declared; ``excise_kind`` (a kind of
    :data:`carm.estimate.EXCISE_KINDS`) and ``excise_rate`` tell carm how to assess it.
    """

    classification: str
    description: str
    value: Decimal
    quantity: Decimal | None = None
    uom: str | None = None
    weight: Decimal | None = None
    classification_description: str = ""
    vfd_code: str = "13"
    special_authority: str | None = None
    sima_subject: str | None = None
    sima_amount: Decimal | None = None
    excise_code: str | None = None
    excise_kind: str | None = None
    excise_rate: str | None = None
    alcohol: Decimal | None = None
    gst_relief: str | None = None
    assessed: Assessment | None = None


@attrs.frozen
class Invoice:
    """An invoice (the CAD's middle level): vendor, origin, currency, treatment, and its lines."""

    vendor: str
    currency: str
    origin: str
    place_of_export: str
    direct_shipment_date: date
    treatment: str
    lines: tuple[DeclarationLine, ...]
    purchaser: str = ""
    freight: Decimal | None = None
    exchange_rate: Decimal | None = None


@attrs.frozen
class Header:
    """The declaration level."""

    importer: str
    transaction_number: str
    cad_type: str
    office: str
    release_date: date
    transport_mode: str
    province: str
    cargo_control_number: str | None = None
    carrier_code: str | None = None
    broker: str | None = None
    payment_method: str | None = None


@attrs.frozen
class Declaration:
    """A CAD version. ``version`` 1 is the original; corrections and adjustments make new versions
    with the same transaction number and say why (``reasons``) and when (``amended_on``)."""

    header: Header
    invoices: tuple[Invoice, ...]
    version: int = 1
    kind: str = "original"  # original, correction, adjustment
    reasons: tuple[str, ...] = ()
    amended_on: date | None = None

    @property
    def lines(self) -> tuple[tuple[str, DeclarationLine], ...]:
        """Every line with its path, ``invoices[i].lines[j]``."""
        return tuple(
            (f"invoices[{i}].lines[{j}]", line)
            for i, invoice in enumerate(self.invoices)
            for j, line in enumerate(invoice.lines)
        )

    @property
    def assessed(self) -> bool:
        return all(line.assessed is not None for _, line in self.lines)

    @property
    def total(self) -> Decimal:
        """Duties and taxes of every assessed line."""
        return sum(
            (line.assessed.total for _, line in self.lines if line.assessed), Decimal("0.00")
        )

    def correct(
        self,
        changes: Mapping[str, object],
        *,
        reasons: list[str] | tuple[str, ...],
        on: date,
        reason_to_believe: date | None = None,
        **assess_options: object,
    ) -> Declaration:
        """A new version with ``changes`` (path to new value), re-assessed when this one was.

        A correction when made by the payment due date, an adjustment after it; reason codes and
        time limits are checked (see :func:`carm.declarations.amend`).
        """
        from carm.declarations._amend import amend

        return amend(
            self,
            changes,
            reasons=reasons,
            on=on,
            reason_to_believe=reason_to_believe,
            **assess_options,
        )

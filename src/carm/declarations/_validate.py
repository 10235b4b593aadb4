"""Validation of a CAD: every problem, with its path, in one :class:`DeclarationError`.

Checks, with their sources (``reference/cbsa-carm-facts.md`` section 1.4, the CBSA's common CAD
errors TCC24-144 as reproduced by a vendor; section 2 for identifiers):

- the importer is a BN15 **RM** account (CARM accepts CADs only under an importer RM account); a
  broker, when named, is a BN15 too; the transaction number has 14 digits and its check digit
  (algorithm: :mod:`carm.identifiers.transaction_number`, a setting);
- codes: CAD type, mode of transport, value-for-duty code, SIMA subject flag, province, currency,
  countries (see :mod:`carm.declarations._model` for what each list misses);
- each classification exists in the Customs Tariff on the release date, its unit of measure
  matches the line's, and the rate of the invoice's treatment is available on it;
- the treatment is open to the origin on the release date (proof of origin assumed, as declaring
  a preference asserts it);
- quantities are present where the rate needs them;
- dates are coherent: direct shipment on or before release;
- a SIMA subject flag is present on lines whose tariff item is under a SIMA measure (the measures
  in force are the caller's: ``sima_items=``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date

from carm.calendar import PROVINCES
from carm.declarations._model import (
    CAD_TYPES,
    SIMA_SUBJECT,
    TRANSPORT_MODES,
    VFD_CODES,
    Declaration,
    DeclarationLine,
    Invoice,
)
from carm.errors import (
    ErrorCollector,
    InvalidComponent,
    InvalidFormat,
    MissingQuantity,
    UnknownCode,
    ValidationError,
    ValidationErrors,
)
from carm.fx._base import currency_code
from carm.identifiers import bn
from carm.identifiers import transaction_number as txn
from carm.tariff import Schedule, load_schedule
from carm.tariff._units import convert_quantity, unit_code
from carm.tariff.treatments import country_code, default_table

__all__ = ["DeclarationError", "validate"]


class DeclarationError(ValidationErrors):
    """Every problem found in a declaration, each with its path (``invoices[0].lines[2].uom``)."""

    def derive(self, excs: Sequence[ValidationError]) -> DeclarationError:  # type: ignore[override]
        return DeclarationError(self.message, excs)


def _code(value: object, known: Collection[str], path: str, what: str) -> None:
    if value not in known:
        raise InvalidComponent(
            f"is not a known {what}", value=value, path=path, expected="one of " + ", ".join(known)
        )


def _header(
    cad: Declaration, errors: ErrorCollector, check_digit: object, extra: frozenset[str]
) -> None:
    h = cad.header
    with errors.catch(path="header"):
        bn.validate_bn15(h.importer, program=bn.IMPORT_EXPORT, path="importer")
    if h.broker is not None:
        with errors.catch(path="header"):
            bn.validate_bn15(h.broker, path="broker")
    with errors.catch(path="header"):
        txn.validate(h.transaction_number, check_digit=check_digit, path="transaction_number")  # type: ignore[arg-type]
    with errors.catch(path="header"):
        if h.cad_type not in extra:
            _code(h.cad_type, CAD_TYPES, "cad_type", "CAD type")
    with errors.catch(path="header"):
        if h.transport_mode not in extra:
            _code(h.transport_mode, TRANSPORT_MODES, "transport_mode", "mode of transport")
    with errors.catch(path="header"):
        if not (isinstance(h.office, str) and len(h.office) == 4 and h.office.isdigit()):
            raise InvalidFormat(
                value=h.office, path="office", expected="the four-digit office number"
            )
    with errors.catch(path="header"):
        _code(h.province, PROVINCES, "province", "province or territory")
    if h.carrier_code is not None:
        with errors.catch(path="header"):
            # 3 characters in one open-source B3 tool, 4 in ACI eManifest: both accepted (unverified).
            if not (
                isinstance(h.carrier_code, str)
                and len(h.carrier_code) in (3, 4)
                and h.carrier_code.isalnum()
            ):
                raise InvalidFormat(
                    value=h.carrier_code, path="carrier_code", expected="3 or 4 letters or digits"
                )
    if h.cargo_control_number is not None:
        with errors.catch(path="header"):
            ccn = h.cargo_control_number
            if not (isinstance(ccn, str) and 5 <= len(ccn) <= 25 and ccn.isalnum()):
                raise InvalidFormat(
                    value=ccn,
                    path="cargo_control_number",
                    expected="the carrier code and up to 21 letters or digits",
                )


def _line(
    line: DeclarationLine,
    invoice: Invoice,
    release: date,
    schedule: Schedule,
    errors: ErrorCollector,
    path: str,
    extra: frozenset[str],
    sima_items: frozenset[str],
) -> None:
    tline = None
    with errors.catch(path=path):
        try:
            tline = schedule.lookup(line.classification)
        except UnknownCode as error:
            raise UnknownCode(
                f"{line.classification} is not in the tariff on {release.isoformat()} ({error.message})",
                value=line.classification,
                path="classification",
            ) from None
        except ValidationError as error:
            raise error.moved("classification") from None
    with errors.catch(path=path):
        if line.value < 0:
            raise InvalidFormat("must not be negative", value=line.value, path="value")
    with errors.catch(path=path):
        if line.vfd_code not in extra:
            _code(line.vfd_code, VFD_CODES, "vfd_code", "value-for-duty code")
    if line.sima_subject is not None:
        with errors.catch(path=path):
            _code(line.sima_subject, SIMA_SUBJECT, "sima_subject", "SIMA subject flag")
    if tline is None:
        return
    if line.uom is not None:
        with errors.catch(path=path):
            declared = unit_code(line.uom, path="uom")
            if tline.uom is not None and declared != tline.uom:
                raise InvalidComponent(
                    f"{tline.code} is declared in {tline.uom}",
                    value=line.uom,
                    path="uom",
                    expected=tline.uom,
                )
    if tline.tariff_item.replace(".", "") in sima_items and line.sima_subject is None:
        errors.add(
            InvalidFormat(
                f"{tline.tariff_item} is under a SIMA measure: the SIMA subject flag is required",
                value=None,
                path=f"{path}.sima_subject",
                expected="S, N or U",
            )
        )
    with errors.catch(path=path):
        rate = tline.rate(invoice.treatment)
        if not rate.available:
            raise InvalidComponent(
                f"{tline.code} has no {invoice.treatment} rate",
                value=invoice.treatment,
                path="treatment",
                expected="one of " + ", ".join(c for c, r in tline.rates.items() if r.available),
            )
        quantities = {}
        if line.quantity is not None and tline.uom is not None:
            quantities[tline.uom] = line.quantity
        if line.weight is not None:
            quantities.setdefault("KGM", line.weight)
        for unit in rate.units:
            if convert_quantity(quantities, unit) is None:
                raise MissingQuantity(
                    f"the {invoice.treatment} rate {rate.text} needs a quantity in {unit}",
                    path="quantity",
                    expected=f"quantity in {tline.uom}"
                    if tline.uom == unit
                    else f"weight (KGM) or quantity in {unit}",
                )


def validate(
    cad: Declaration,
    *,
    schedule: Schedule | None = None,
    check_digit: object = txn.DEFAULT_CHECK_DIGIT,
    extra_codes: Iterable[str] = (),
    sima_items: Iterable[str] = (),
) -> Declaration:
    """Check everything; return ``cad`` unchanged, or raise :class:`DeclarationError` with every problem."""
    errors = ErrorCollector("the declaration is not valid")
    extra = frozenset(extra_codes)
    sima = frozenset(item.replace(".", "") for item in sima_items)
    _header(cad, errors, check_digit, extra)
    release = cad.header.release_date
    try:
        schedule = schedule if schedule is not None else load_schedule(as_of=release)
    except ValidationError as error:
        errors.add(error, path="header.release_date")
        raise DeclarationError(errors.message, errors.errors) from None
    treatments = default_table()
    if not cad.invoices:
        errors.add(
            InvalidFormat("a declaration needs at least one invoice", value=[], path="invoices")
        )
    for i, invoice in enumerate(cad.invoices):
        path = f"invoices[{i}]"
        with errors.catch(path=path):
            currency_code(invoice.currency, path="currency")
        origin = None
        with errors.catch(path=path):
            origin = country_code(invoice.origin, path="origin")
        with errors.catch(path=path):
            country_code(invoice.place_of_export, path="place_of_export")
        with errors.catch(path=path):
            if invoice.direct_shipment_date > release:
                raise InvalidFormat(
                    "direct shipment is after the release",
                    value=invoice.direct_shipment_date,
                    path="direct_shipment_date",
                    expected=f"on or before {release.isoformat()}",
                )
        with errors.catch(path=path):
            chosen = treatments.treatment(invoice.treatment)
            if origin is not None and chosen not in treatments.treatments_for(origin, release):
                raise InvalidComponent(
                    f"tariff treatment {chosen.abbreviation} is not allowed for goods of {origin}",
                    value=invoice.treatment,
                    path="treatment",
                    expected="one of "
                    + ", ".join(t.abbreviation for t in treatments.treatments_for(origin, release)),
                )
        if not invoice.lines:
            errors.add(
                InvalidFormat("an invoice needs at least one line", value=[], path=f"{path}.lines")
            )
        for j, line in enumerate(invoice.lines):
            _line(line, invoice, release, schedule, errors, f"{path}.lines[{j}]", extra, sima)
    if errors:
        raise DeclarationError(errors.message, errors.errors)
    return cad

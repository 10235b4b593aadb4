"""Canadian Business Numbers: the 9-digit BN (BN9) and the 15-character program account (BN15).

A BN9 is eight digits and a Luhn (mod 10) check digit, issued by the CRA. A program account adds a
two-letter program identifier and a four-digit reference number: ``123026635RM0001`` is the
import-export (RM) account 0001 of business 123026635. The program identifier and reference carry
no check digit. Sources: python-stdnum ``stdnum/ca/bn.py`` (Luhn over the BN9); CRA program
identifiers as listed in ``reference/cbsa-carm-facts.md`` section 2.2.

carm accepts every program identifier in :data:`PROGRAM_IDENTIFIERS` (python-stdnum accepts only
RC, RM, RP and RT), upper-cases input, and ignores spaces, dashes and dots.

>>> validate("12302 6635 rm-0001")
'123026635RM0001'
>>> format("123026635RM0001")
'123026635 RM 0001'
>>> is_valid("123456789")
False
>>> validate("123456789")
Traceback (most recent call last):
...
carm.errors.InvalidChecksum: business_number: check digit does not match: expected 2 as the 9th digit (got '123456789')
>>> validate("123026635XX0001")
Traceback (most recent call last):
...
carm.errors.InvalidComponent: business_number: is not a known program identifier: expected one of CT, DT, LT, RC, RD, RE, RG, RM, RN, RP, RR, RT, RU, RZ (got 'XX')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from stdnum import luhn

from carm.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from carm.identifiers._common import clean

__all__ = [
    "IMPORT_EXPORT",
    "PROGRAM_IDENTIFIERS",
    "business_number",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "program_identifier",
    "reference_number",
    "validate",
    "validate_bn9",
    "validate_bn15",
]

IMPORT_EXPORT: Final = "RM"
"""The import-export program identifier: the account a CAD is declared and billed against."""

PROGRAM_IDENTIFIERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "CT": "fuel charge",
        "DT": "digital services tax",
        "LT": "luxury tax",
        "RC": "corporate income tax",
        "RD": "excise duty",
        "RE": "excise tax and special levies",
        "RG": "air travellers security charge",
        "RM": "import-export",
        "RN": "insurance premium tax",
        "RP": "payroll deductions",
        "RR": "registered charity",
        "RT": "GST/HST",
        "RU": "underused housing tax",
        "RZ": "information returns",
    }
)
"""CRA program identifiers and what each account is for.

Source: ``reference/cbsa-carm-facts.md`` section 2.2 (CRA program list as reported by third parties).
"""

_PATH: Final = "business_number"


def compact(number: str) -> str:
    """The number upper-cased, without spaces, dashes or dots (no validation).

    >>> compact(" 123 026 635-rm.0001 ")
    '123026635RM0001'
    """
    return clean(number, path=_PATH, strip=" -.")


def calc_check_digit(first_eight: str) -> str:
    """The Luhn check digit that completes the eight digits of a BN9.

    >>> calc_check_digit("12302663")
    '5'
    """
    return luhn.calc_check_digit(first_eight)


def _validate_root(root: str, *, path: str, original: str) -> None:
    if not root.isdigit() or not root.isascii():
        raise InvalidFormat(
            "business number must be digits", value=original, path=path, expected="nine digits"
        )
    if luhn.checksum(root) != 0:
        raise InvalidChecksum(
            value=original, path=path, expected=f"{calc_check_digit(root[:8])} as the 9th digit"
        )


def validate_bn9(number: str, *, path: str = _PATH) -> str:
    """Check a 9-digit business number and return it compacted.

    >>> validate_bn9("123 026 635")
    '123026635'
    """
    compacted = clean(number, path=path, strip=" -.")
    if len(compacted) != 9:
        raise InvalidLength(value=number, path=path, expected="9 digits")
    _validate_root(compacted, path=path, original=number)
    return compacted


def validate_bn15(number: str, *, program: str | None = None, path: str = _PATH) -> str:
    """Check a 15-character program account number and return it compacted.

    With ``program``, the program identifier must be that one (``program="RM"`` for an importer).

    >>> validate_bn15("123026635RT0001", program="RM")
    Traceback (most recent call last):
    ...
    carm.errors.InvalidComponent: business_number: is the wrong program account: expected an RM (import-export) account (got 'RT')
    """
    compacted = clean(number, path=path, strip=" -.")
    if len(compacted) != 15:
        raise InvalidLength(value=number, path=path, expected="15 characters, e.g. 123456782RM0001")
    root, ident, reference = compacted[:9], compacted[9:11], compacted[11:]
    _validate_root(root, path=path, original=number)
    if not (ident.isalpha() and ident.isascii()):
        raise InvalidFormat(
            "program identifier must be two letters",
            value=number,
            path=path,
            expected="9 digits, 2 letters, 4 digits",
        )
    if ident not in PROGRAM_IDENTIFIERS:
        raise InvalidComponent(
            "is not a known program identifier",
            value=ident,
            path=path,
            expected="one of " + ", ".join(sorted(PROGRAM_IDENTIFIERS)),
        )
    if not (reference.isdigit() and reference.isascii()):
        raise InvalidFormat(
            "reference number must be four digits",
            value=number,
            path=path,
            expected="9 digits, 2 letters, 4 digits",
        )
    if program is not None and ident != program.upper():
        wanted = program.upper()
        meaning = PROGRAM_IDENTIFIERS.get(wanted, "unknown program")
        raise InvalidComponent(
            "is the wrong program account",
            value=ident,
            path=path,
            expected=f"an {wanted} ({meaning}) account",
        )
    return compacted


def validate(number: str, *, path: str = _PATH) -> str:
    """Check a BN9 or BN15 and return it compacted; raise a :class:`~carm.errors.ValidationError`.

    >>> validate("123026635")
    '123026635'
    >>> validate("12302663")
    Traceback (most recent call last):
    ...
    carm.errors.InvalidLength: business_number: has the wrong length: expected 9 digits (BN9) or 15 characters (BN15) (got '12302663')
    """
    compacted = clean(number, path=path, strip=" -.")
    if len(compacted) == 9:
        return validate_bn9(compacted, path=path)
    if len(compacted) == 15:
        return validate_bn15(compacted, path=path)
    raise InvalidLength(value=number, path=path, expected="9 digits (BN9) or 15 characters (BN15)")


def is_valid(number: object) -> bool:
    """Whether ``number`` is a valid BN9 or BN15 (never raises)."""
    try:
        validate(number)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def business_number(number: str) -> str:
    """The BN9 of a BN9 or BN15.

    >>> business_number("123026635RM0001")
    '123026635'
    """
    return validate(number)[:9]


def program_identifier(number: str) -> str | None:
    """The program identifier of a BN15 (``None`` for a BN9).

    >>> program_identifier("123026635RM0001")
    'RM'
    """
    compacted = validate(number)
    return compacted[9:11] if len(compacted) == 15 else None


def reference_number(number: str) -> str | None:
    """The four-digit reference number of a BN15 (``None`` for a BN9)."""
    compacted = validate(number)
    return compacted[11:] if len(compacted) == 15 else None


def format(number: str) -> str:
    """The number validated and written with spaces: ``123026635 RM 0001``."""
    compacted = validate(number)
    if len(compacted) == 9:
        return compacted
    return f"{compacted[:9]} {compacted[9:11]} {compacted[11:]}"

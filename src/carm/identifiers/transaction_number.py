"""CBSA transaction numbers: the 14-digit number of a CAD (and of the B3 before it).

Layout: ``AAAAA SSSSSSSS C``: the filer's five-digit account security number (ASEC), an
eight-digit sequence the filer assigns, and one check digit. The number stays the same across every
version of a CAD and cannot be reused within 7 years and 3 months. Sources: CBSA EDI information
page (https://www.cbsa-asfc.gc.ca/eservices/info-edi-eng.html: 14 digits, first five the account
security number); ``reference/cbsa-carm-facts.md`` section 2.1.

The check digit
---------------
The CBSA documents the check digit in Memorandum D17-1-10, Appendix F, whose text could not be
found. The only implementation seen in use (an ERPNext fork that files B3s, see the reference) is
:func:`weighted_digit_sum`: weights 1, 2, 1, 2... from the leftmost of the 13 digits, each
product reduced to the sum of its digits, the check digit being that total mod 10. It is the
default, and it is **unverified**. Every function takes ``check_digit=`` (a name from
:data:`CHECK_DIGIT_ALGORITHMS` or any function from 13 digits to one digit), so a user who knows
better can say so without waiting for a release.

>>> make(account_security="12345", sequence=42)
'12345000000421'
>>> validate("12345-00000042-1")
'12345000000421'
>>> format("12345000000421")
'12345-00000042-1'
>>> validate("12345000000427")
Traceback (most recent call last):
...
carm.errors.InvalidChecksum: transaction_number: check digit does not match: expected 1 as the last digit (weighted-digit-sum) (got '12345000000427')
>>> validate("12345000000427", check_digit="luhn")
'12345000000427'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from stdnum import luhn as _luhn

from carm.errors import InvalidChecksum, InvalidFormat, InvalidLength, InvalidType
from carm.identifiers._common import clean

__all__ = [
    "CHECK_DIGIT_ALGORITHMS",
    "DEFAULT_CHECK_DIGIT",
    "CheckDigit",
    "account_security",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "luhn",
    "make",
    "sequence",
    "validate",
    "weighted_digit_sum",
]

CheckDigit = Callable[[str], str]
"""A check-digit algorithm: the first 13 digits in, the 14th digit out."""

_PATH: Final = "transaction_number"
_LENGTH: Final = 14
_ASEC_LENGTH: Final = 5
_SEQUENCE_LENGTH: Final = 8


def weighted_digit_sum(digits: str) -> str:
    """Weights 1, 2, 1, 2... from the left; digit sums of the products; total mod 10 (unverified).

    >>> weighted_digit_sum("1234512345678")
    '5'
    """
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (1 if position % 2 == 0 else 2)
        total += product // 10 + product % 10
    return str(total % 10)


def luhn(digits: str) -> str:
    """The Luhn (mod 10) check digit, as on the business number (an alternative, unverified here).

    >>> luhn("1234500000042")
    '7'
    """
    return _luhn.calc_check_digit(digits)


CHECK_DIGIT_ALGORITHMS: Final[Mapping[str, CheckDigit]] = MappingProxyType(
    {"weighted-digit-sum": weighted_digit_sum, "luhn": luhn}
)
"""Named check-digit algorithms that ``check_digit=`` accepts."""

DEFAULT_CHECK_DIGIT: Final = "weighted-digit-sum"
"""The algorithm used when none is given: the best-supported one, still unverified."""


def _algorithm(check_digit: str | CheckDigit) -> tuple[str, CheckDigit]:
    if callable(check_digit):
        return getattr(check_digit, "__name__", "custom"), check_digit
    try:
        return check_digit, CHECK_DIGIT_ALGORITHMS[check_digit]
    except (KeyError, TypeError):
        raise InvalidType(
            "is not a check-digit algorithm",
            value=check_digit,
            path="check_digit",
            expected="one of " + ", ".join(CHECK_DIGIT_ALGORITHMS) + " or a function",
        ) from None


def compact(number: str) -> str:
    """The number without spaces or dashes (no validation).

    >>> compact(" 12345-00000042-1 ")
    '12345000000421'
    """
    return clean(number, path=_PATH)


def calc_check_digit(
    first_thirteen: str, check_digit: str | CheckDigit = DEFAULT_CHECK_DIGIT
) -> str:
    """The check digit that completes 13 digits, by the chosen algorithm."""
    return _algorithm(check_digit)[1](first_thirteen)


def validate(
    number: str, *, check_digit: str | CheckDigit = DEFAULT_CHECK_DIGIT, path: str = _PATH
) -> str:
    """Check a transaction number and return it compacted."""
    name, algorithm = _algorithm(check_digit)
    compacted = clean(number, path=path)
    if not (compacted.isdigit() and compacted.isascii()):
        raise InvalidFormat(
            "transaction number must be digits", value=number, path=path, expected="14 digits"
        )
    if len(compacted) != _LENGTH:
        raise InvalidLength(value=number, path=path, expected="14 digits")
    expected = algorithm(compacted[:-1])
    if compacted[-1] != expected:
        raise InvalidChecksum(
            value=number, path=path, expected=f"{expected} as the last digit ({name})"
        )
    return compacted


def is_valid(number: object, *, check_digit: str | CheckDigit = DEFAULT_CHECK_DIGIT) -> bool:
    """Whether ``number`` is a valid transaction number (never raises for bad numbers)."""
    try:
        validate(number, check_digit=check_digit)  # type: ignore[arg-type]
    except InvalidType as error:
        if error.path == "check_digit":
            raise
        return False
    except ValueError:
        return False
    return True


def format(number: str, *, check_digit: str | CheckDigit = DEFAULT_CHECK_DIGIT) -> str:
    """The number validated and written ``AAAAA-SSSSSSSS-C``."""
    compacted = validate(number, check_digit=check_digit)
    return f"{compacted[:5]}-{compacted[5:13]}-{compacted[13]}"


def account_security(number: str, *, check_digit: str | CheckDigit = DEFAULT_CHECK_DIGIT) -> str:
    """The five-digit account security number that starts the transaction number."""
    return validate(number, check_digit=check_digit)[:_ASEC_LENGTH]


def sequence(number: str, *, check_digit: str | CheckDigit = DEFAULT_CHECK_DIGIT) -> int:
    """The filer's eight-digit sequence number, as an int."""
    return int(validate(number, check_digit=check_digit)[_ASEC_LENGTH:-1])


def make(
    *,
    account_security: str,
    sequence: int,
    check_digit: str | CheckDigit = DEFAULT_CHECK_DIGIT,
) -> str:
    """Build the transaction number for ``sequence`` under an account security number.

    >>> make(account_security="12345", sequence=100_000_000)
    Traceback (most recent call last):
    ...
    carm.errors.InvalidLength: sequence: has the wrong length: expected 0 to 99999999 (8 digits) (got 100000000)
    """
    asec = clean(account_security, path="account_security")
    if not (asec.isdigit() and asec.isascii()):
        raise InvalidFormat(value=account_security, path="account_security", expected="5 digits")
    if len(asec) != _ASEC_LENGTH:
        raise InvalidLength(value=account_security, path="account_security", expected="5 digits")
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise InvalidType(value=sequence, path="sequence", expected="an int")
    if not 0 <= sequence < 10**_SEQUENCE_LENGTH:
        raise InvalidLength(value=sequence, path="sequence", expected="0 to 99999999 (8 digits)")
    body = f"{asec}{sequence:0{_SEQUENCE_LENGTH}d}"
    return body + calc_check_digit(body, check_digit)

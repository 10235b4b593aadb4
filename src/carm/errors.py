"""Every error that carm raises, in one tree.

::

    CarmError                              root: ``except carm.CarmError`` catches them all
     ├── ValidationError (ValueError)      one bad input value, with its ``value`` and field ``path``
     │    ├── InvalidFormat                wrong characters or shape
     │    │    └── InvalidType (TypeError) wrong Python type, e.g. a float where money is expected
     │    ├── InvalidLength                too short or too long
     │    ├── InvalidChecksum              the check digit does not match
     │    ├── InvalidComponent             a part is not one of the known values
     │    │    │                           (program identifier, currency, locale...)
     │    │    └── UnknownCode (LookupError) a well-formed code that does not exist (no such heading)
     │    ├── MissingQuantity              a rate needs a quantity in a unit that was not given
     │    ├── NotInEffect (LookupError)    no data in effect on the date asked for (no edition, no rate)
     │    └── CurrencyMismatch             amounts in different currencies were combined
     ├── ValidationErrors (ExceptionGroup) many ValidationErrors collected in one pass
     ├── ServiceError                      a remote service (exchange rates, a portal) failed or
     │                                     answered something carm cannot use; .url, .status
     ├── NotAllowed                        the person acting lacks the authority (.who, .reason)
     └── InvalidState                      the thing exists but cannot do that now (approve twice)

A ``ValidationError`` is also a ``ValueError`` so that code written against the standard library
(or python-stdnum, whose errors are ``ValueError`` too) keeps working.

``ValidationErrors`` is what a validator raises when it checks a whole object (a declaration, a
shipment) and finds several problems: it reports them all at once rather than stopping at the
first. Build one with :class:`ErrorCollector`.

>>> try:
...     raise InvalidLength(value="12345", path="importer", expected="9 or 15 characters")
... except ValidationError as error:
...     print(error)
importer: has the wrong length: expected 9 or 15 characters (got '12345')
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Self, TypeVar

__all__ = [
    "CarmError",
    "CurrencyMismatch",
    "ErrorCollector",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "InvalidState",
    "InvalidType",
    "MissingQuantity",
    "NotAllowed",
    "NotInEffect",
    "ServiceError",
    "UnknownCode",
    "ValidationError",
    "ValidationErrors",
    "enum_member",
]

_MISSING: Any = object()


def _show(value: Any) -> str:
    # Dates and decimals read better as the user wrote them than as Python reprs.
    if isinstance(value, date | Decimal):
        return f"'{value}'" if isinstance(value, Decimal) else f"'{value.isoformat()}'"
    return repr(value)


class CarmError(Exception):
    """The root of every error carm raises on purpose."""


class ValidationError(CarmError, ValueError):
    """A value that is not acceptable where it was given.

    ``value`` is the offending value as received, ``path`` names the field (``"lines[2].value"``),
    ``expected`` says in words what would have been accepted. The message reads
    ``"<path>: <message>: expected <expected> (got <value>)"``.
    """

    default_message: ClassVar[str] = "is not valid"

    value: Any
    path: str
    expected: str | None
    message: str

    def __init__(
        self,
        message: str | None = None,
        *,
        value: Any = _MISSING,
        path: str = "",
        expected: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.value = None if value is _MISSING else value
        self._has_value = value is not _MISSING
        self.path = path
        self.expected = expected
        super().__init__(self._render())

    def _render(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.expected:
            text += f": expected {self.expected}"
        if self._has_value:
            text += f" (got {_show(self.value)})"
        return text

    def __str__(self) -> str:
        return self._render()

    def moved(self, path: str) -> Self:
        """The same error reported at another field ``path``.

        >>> str(InvalidFormat(value="x", path="code").moved("classification"))
        "classification: has an invalid format (got 'x')"
        """
        clone = copy.copy(self)
        clone.path = path
        clone.args = (clone._render(),)
        return clone

    def at(self, prefix: str) -> Self:
        """Return the same error with ``prefix`` put in front of its path.

        A validator of a part reports paths relative to the part; the caller that knows where
        the part sits adds the prefix.

        >>> str(InvalidFormat(value="x", path="value").at("lines[0]"))
        "lines[0].value: has an invalid format (got 'x')"
        """
        if not prefix:
            return self
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        clone = copy.copy(self)
        clone.path = path
        clone.args = (clone._render(),)
        return clone


class InvalidFormat(ValidationError):
    """The value has the wrong characters or shape."""

    default_message = "has an invalid format"


class InvalidType(InvalidFormat, TypeError):
    """The value is of the wrong Python type (a ``float`` where money is expected, say)."""

    default_message = "has the wrong type"


class InvalidLength(ValidationError):
    """The value is too short or too long."""

    default_message = "has the wrong length"


class InvalidChecksum(ValidationError):
    """The value's check digit does not match the rest of it."""

    default_message = "check digit does not match"


class InvalidComponent(ValidationError):
    """A part of the value is not one of the known values."""

    default_message = "has an invalid component"


class UnknownCode(InvalidComponent, LookupError):
    """A well-formed code that does not exist where it was looked up (no such heading, say)."""

    default_message = "does not exist"


class MissingQuantity(ValidationError):
    """A rate needs a quantity in a unit of measure that the caller did not give."""

    default_message = "quantity needed"


class NotInEffect(ValidationError, LookupError):
    """Nothing is in effect on the date asked for: no tariff edition, rate or setting covers it.

    carm never falls back to the nearest data it has; this says what is missing instead.
    """

    default_message = "nothing in effect on that date"


class CurrencyMismatch(ValidationError):
    """Amounts in different currencies were combined or compared."""

    default_message = "currencies differ"


class ValidationErrors(ExceptionGroup[ValidationError], CarmError):
    """Several :class:`ValidationError` found in one pass over an object.

    Use ``except* InvalidLength`` to handle one kind, or iterate :attr:`errors` for all of them
    in the order they were found.
    """

    def __new__(cls, message: str, exceptions: Sequence[ValidationError]) -> Self:
        return super().__new__(cls, message, exceptions)

    def derive(self, excs: Sequence[ValidationError]) -> ValidationErrors:  # type: ignore[override]
        return ValidationErrors(self.message, excs)

    @property
    def errors(self) -> tuple[ValidationError, ...]:
        """Every error, flattened, in the order found."""
        return tuple(_flatten(self))

    @property
    def paths(self) -> tuple[str, ...]:
        """The field path of every error, in the order found."""
        return tuple(error.path for error in self.errors)

    def __str__(self) -> str:
        lines = [f"{self.message} ({len(self.errors)} problem{'s' * (len(self.errors) != 1)})"]
        lines.extend(f"  - {error}" for error in self.errors)
        return "\n".join(lines)


class ServiceError(CarmError):
    """A remote service failed or answered something carm cannot use.

    ``url`` is what was asked for, ``status`` the HTTP status when there was one.
    """

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        self.message = message
        self.url = url
        self.status = status
        where = f" ({url}" + (f", HTTP {status}" if status is not None else "") + ")" if url else ""
        super().__init__(message + where)


class _Catch:
    # A class, not @contextmanager: validators enter one per field, so it has to be cheap.
    __slots__ = ("collector", "path")

    def __init__(self, collector: ErrorCollector, path: str) -> None:
        self.collector = collector
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> bool:
        if isinstance(error, ValidationErrors):
            self.collector.extend(error, path=self.path)
            return True
        if isinstance(error, ValidationError):
            self.collector.add(error, path=self.path)
            return True
        return False


class NotAllowed(CarmError):
    """The person acting does not hold the authority the operation needs; nothing was changed."""

    def __init__(self, message: str, *, who: str = "", reason: str = "") -> None:
        self.who = who
        self.reason = reason or message
        super().__init__(message)


class InvalidState(CarmError):
    """The object exists but cannot do that now (approve a request twice, revoke a revoked grant)."""


def _flatten(group: ExceptionGroup[ValidationError]) -> list[ValidationError]:
    found: list[ValidationError] = []
    for error in group.exceptions:
        if isinstance(error, ExceptionGroup):
            found.extend(_flatten(error))
        else:
            found.append(error)
    return found


class ErrorCollector:
    """Collects validation errors so that a validator reports every problem at once.

    >>> errors = ErrorCollector("shipment is not valid")
    >>> with errors.catch(path="lines[0]"):
    ...     raise InvalidFormat(value="abc", path="value")
    >>> with errors.catch(path="lines[1]"):
    ...     raise InvalidLength(value="1", path="origin")
    >>> errors.paths
    ('lines[0].value', 'lines[1].origin')
    >>> try:
    ...     errors.raise_if_any()
    ... except ValidationErrors as group:
    ...     print(group)
    shipment is not valid (2 problems)
      - lines[0].value: has an invalid format (got 'abc')
      - lines[1].origin: has the wrong length (got '1')
    """

    def __init__(self, message: str) -> None:
        self.message = message
        self._errors: list[ValidationError] = []

    def add(self, error: ValidationError, *, path: str = "") -> None:
        """Record one error (or every error of a group), prefixing ``path``."""
        self._errors.append(error.at(path))

    def extend(self, group: ValidationErrors, *, path: str = "") -> None:
        """Record every error of ``group``, prefixing ``path``."""
        for error in group.errors:
            self.add(error, path=path)

    def catch(self, *, path: str = "") -> _Catch:
        """Run a block; record a validation error (or group) it raises instead of propagating."""
        return _Catch(self, path)

    @property
    def errors(self) -> tuple[ValidationError, ...]:
        return tuple(self._errors)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(error.path for error in self._errors)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    def raise_if_any(self) -> None:
        """Raise :class:`ValidationErrors` holding everything collected, if anything was."""
        if self._errors:
            raise ValidationErrors(self.message, self._errors)


_Member = TypeVar("_Member", bound=enum.Enum)


def enum_member(
    kind: type[_Member],
    value: object,
    *,
    path: str,
    what: str,
    clean: Callable[[object], object] | None = None,
) -> _Member:
    """``value`` as a member of ``kind`` (a member already, or a member's value, after ``clean``
    if given); anything else is an :class:`InvalidComponent` at ``path`` listing the members and
    showing ``value`` as given.

    >>> import enum
    >>> class Size(enum.Enum):
    ...     SMALL = "small"
    >>> enum_member(Size, "small", path="size", what="a size")
    <Size.SMALL: 'small'>
    >>> enum_member(Size, "huge", path="size", what="a size")
    Traceback (most recent call last):
    ...
    carm.errors.InvalidComponent: size: is not a size: expected one of small (got 'huge')
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(value if clean is None else clean(value))
    except ValueError:
        raise InvalidComponent(
            f"is not {what}",
            value=value,
            path=path,
            expected="one of " + ", ".join(str(member.value) for member in kind),
        ) from None

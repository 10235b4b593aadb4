"""New versions of a CAD (corrections and adjustments) and the differences between versions.

- A **correction** is made from acceptance until the payment due date; an **adjustment** after it
  (GHY; reference section 1.6). Both keep the transaction number and carry reason codes.
- Reason codes look like ``R2-74-1-TT``, ``R3-32.2.VFD``, ``R2-74-1-GR-53``: a release, the
  Customs Act section (74(1) refund, 32.2 mandatory correction) and the trade program (CSCB
  bulletins 5415, 5417). **Order matters**: for a refund the refund-supporting (s.74) code comes
  first; when money is owed or the change is revenue-neutral, the s.32.2 code comes first.
- Time limits: an adjustment owing money is due within 90 days of having reason to believe the
  declaration was wrong (s.32.2, when ``reason_to_believe`` is given), and neither owing nor refund
  adjustments are accepted more than 4 years after release (s.32.2(4), s.74).
- Every line of the previous version must be present in the new one (a changed declaration never
  drops a line; TCC24-144).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

import attrs
from dateutil.relativedelta import relativedelta

from carm.calendar import billing_period
from carm.declarations._model import Declaration
from carm.declarations._validate import DeclarationError
from carm.errors import ErrorCollector, InvalidComponent, InvalidFormat
from carm.money import to_decimal

__all__ = ["Change", "Difference", "LineDifference", "amend", "diff"]

_REASON: Final = re.compile(
    r"^R(\d)-(?P<section>\d+(?:[-.]\d+)?)[-.](?P<program>[A-Z]+(?:[-.][A-Z0-9]+)*)$"
)
_PATH_PART: Final = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?$")
_DECIMAL_FIELDS: Final = frozenset(
    {"value", "quantity", "weight", "sima_amount", "freight", "exchange_rate", "alcohol"}
)


def _section(code: str) -> str:
    match = _REASON.match(code)
    return match.group("section").replace(".", "-") if match else ""


def _set(node: Any, parts: list[str], value: object, path: str) -> Any:
    match = _PATH_PART.match(parts[0])
    if (
        match is None
        or not attrs.has(type(node))
        or match.group("name") not in attrs.fields_dict(type(node))
    ):
        raise InvalidComponent("is not a field of the declaration", value=path, path="changes")
    name, index = match.group("name"), match.group("index")
    current = getattr(node, name)
    if index is not None:
        items = list(current)
        position = int(index)
        if position >= len(items):
            raise InvalidComponent("has no such item", value=path, path="changes")
        items[position] = _set(items[position], parts[1:], value, path) if len(parts) > 1 else value
        return attrs.evolve(node, **{name: tuple(items)})
    if len(parts) > 1:
        return attrs.evolve(node, **{name: _set(current, parts[1:], value, path)})
    if name in _DECIMAL_FIELDS and value is not None:
        value = to_decimal(value, path=path)
    return attrs.evolve(node, **{name: value})


def amend(
    cad: Declaration,
    changes: Mapping[str, object],
    *,
    reasons: list[str] | tuple[str, ...],
    on: date,
    reason_to_believe: date | None = None,
    **assess_options: object,
) -> Declaration:
    """The next version of ``cad`` with ``changes`` applied (see the module docstring)."""
    errors = ErrorCollector("the change cannot be made")
    release = cad.header.release_date
    if on < release:
        errors.add(
            InvalidFormat(
                "a change comes after the release",
                value=on,
                path="on",
                expected=f"on or after {release}",
            )
        )
    if not reasons:
        errors.add(
            InvalidFormat("a change needs at least one reason code", value=[], path="reasons")
        )
    for index, code in enumerate(reasons):
        if not isinstance(code, str) or not _REASON.match(code):
            errors.add(
                InvalidFormat(
                    "is not a reason code",
                    value=code,
                    path=f"reasons[{index}]",
                    expected="e.g. R2-74-1-TT or R3-32.2.VFD",
                )
            )
    if on > release + relativedelta(years=4):
        errors.add(
            InvalidFormat(
                "more than 4 years after release (Customs Act ss.32.2(4), 74)", value=on, path="on"
            )
        )
    new = attrs.evolve(cad, version=cad.version + 1, reasons=tuple(reasons), amended_on=on)
    for path, value in changes.items():
        try:
            new = _set(new, path.split("."), value, path)
        except (InvalidComponent, InvalidFormat) as error:
            errors.add(error)
    if any(p.startswith("header.transaction_number") for p in changes):
        errors.add(
            InvalidComponent(
                "the transaction number stays the same across versions",
                value="header.transaction_number",
                path="changes",
            )
        )
    missing = len(cad.lines) - len(new.lines)
    if missing > 0:
        errors.add(
            InvalidFormat(
                f"{missing} line(s) of version {cad.version} are missing",
                value=len(new.lines),
                path="invoices",
                expected=f"all {len(cad.lines)} lines",
            )
        )
    if errors:
        raise DeclarationError(errors.message, errors.errors)
    due = billing_period(release).due_date
    new = attrs.evolve(new, kind="correction" if on <= due else "adjustment")
    if cad.assessed:
        from carm.declarations._assess import assess

        cleared = attrs.evolve(new, invoices=tuple(
            attrs.evolve(inv, lines=tuple(attrs.evolve(line, assessed=None) for line in inv.lines)) for inv in new.invoices
        ))  # fmt: skip
        new = assess(cleared, **assess_options)  # type: ignore[arg-type]
        change = new.total - cad.total
        first = _section(reasons[0])
        refund_first = first.startswith("74")
        if change < 0 and not refund_first:
            errors.add(
                InvalidComponent(
                    "a refund's first reason code must support the refund (s.74)",
                    value=reasons[0],
                    path="reasons[0]",
                )
            )
        if change >= 0 and refund_first and len(reasons) > 1:
            errors.add(
                InvalidComponent(
                    "when money is owed, the amount-owing code (s.32.2) comes first",
                    value=reasons[0],
                    path="reasons[0]",
                )
            )
        if (
            change > 0
            and new.kind == "adjustment"
            and reason_to_believe is not None
            and on > reason_to_believe + relativedelta(days=90)
        ):
            errors.add(
                InvalidFormat(
                    "more than 90 days after reason to believe (Customs Act s.32.2)",
                    value=on,
                    path="on",
                )
            )
        if errors:
            raise DeclarationError(errors.message, errors.errors)
    return new


@attrs.frozen
class Change:
    path: str
    old: object
    new: object


@attrs.frozen
class LineDifference:
    path: str
    old_total: Decimal
    new_total: Decimal

    @property
    def difference(self) -> Decimal:
        """Positive: owed to the CBSA; negative: refunded."""
        return self.new_total - self.old_total


@attrs.frozen
class Difference:
    changes: tuple[Change, ...]
    lines: tuple[LineDifference, ...]

    @property
    def total(self) -> Decimal:
        """What the new version owes over the old (negative: a refund)."""
        return sum((line.difference for line in self.lines), Decimal("0.00"))


def _walk(node: object, path: str) -> dict[str, object]:
    if attrs.has(type(node)):
        found: dict[str, object] = {}
        for field in attrs.fields(type(node)):  # type: ignore[arg-type]
            if field.name == "assessed":
                continue
            found.update(
                _walk(getattr(node, field.name), f"{path}.{field.name}" if path else field.name)
            )
        return found
    if isinstance(node, tuple) and node and attrs.has(type(node[0])):
        found = {}
        for index, item in enumerate(node):
            found.update(_walk(item, f"{path}[{index}]"))
        return found
    return {path: node}


def diff(old: Declaration, new: Declaration) -> Difference:
    """Every changed field, and per line the duties and taxes owed or refunded."""
    before, after = _walk(old, ""), _walk(new, "")
    skip = {"version", "kind", "reasons", "amended_on"}
    changes = tuple(
        Change(path, before.get(path), after.get(path))
        for path in sorted(set(before) | set(after))
        if path not in skip and before.get(path) != after.get(path)
    )
    old_totals = {path: line.assessed.total for path, line in old.lines if line.assessed}
    lines = tuple(
        LineDifference(
            path,
            old_totals.get(path, Decimal("0.00")),
            line.assessed.total if line.assessed else Decimal("0.00"),
        )
        for path, line in new.lines
    )
    return Difference(changes, lines)

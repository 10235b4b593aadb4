"""The ruling lifecycle (see :mod:`carm.rulings`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from carm.errors import InvalidComponent, InvalidFormat, InvalidState
from carm.identifiers import bn

__all__ = [
    "KINDS",
    "STATUSES",
    "Deadline",
    "Event",
    "Product",
    "Ruling",
    "RulingSettings",
]

KINDS: Final = {
    "tariff_classification": "advance ruling on tariff classification (Customs Act s.43.1(1)(c); D11-11-3)",
    "origin": "advance ruling on origin under a free trade agreement (D11-4-16)",
    "valuation": "National Customs Ruling on valuation (D11-11-1)",
    "marking": "National Customs Ruling on marking (D11-11-1)",
}
STATUSES: Final = (
    "submitted",
    "accepted",
    "information_requested",
    "issued",
    "refused",
    "withdrawn",
    "under_review",
    "review_decided",
)
_FINAL: Final = frozenset({"refused", "withdrawn", "review_decided"})
_MOVES: Final = {
    "accept": {"submitted"},
    "request_information": {"submitted", "accepted"},
    "respond": {"information_requested"},
    "issue": {"accepted"},
    "refuse": {"submitted", "accepted", "information_requested"},
    "withdraw": {"submitted", "accepted", "information_requested"},
    "request_review": {"issued"},
    "decide_review": {"under_review"},
}


@attrs.frozen
class RulingSettings:
    """Time limits (calendar days), from CBSA pages "what is an advance ruling" and "review"."""

    service_days: int = 120
    response_days: int = 30
    review_days: int = 90


@attrs.frozen
class Product:
    """The facts of the goods, as an application states them."""

    description: str
    materials: str = ""
    use: str = ""
    proposed_classification: str | None = None
    documents: tuple[str, ...] = ()


@attrs.frozen
class Event:
    what: str
    by: str
    at: datetime
    note: str = ""


@attrs.frozen
class Deadline:
    what: str
    due: datetime
    who: str  # "CBSA" or "applicant"


@attrs.frozen
class Ruling:
    """A ruling request and everything that happened to it (immutable: each step returns a new one)."""

    id: str
    kind: str
    applicant: str
    product: Product
    status: str
    history: tuple[Event, ...]
    publish: bool = False
    clock_started: datetime | None = None
    response_due: datetime | None = None
    issued_at: datetime | None = None
    decision: str | None = None
    settings: RulingSettings = RulingSettings()

    @classmethod
    def request(
        cls,
        ruling_id: str,
        *,
        kind: str,
        applicant: str,
        product: Product,
        by: str,
        at: datetime,
        publish: bool = False,
        settings: RulingSettings | None = None,
    ) -> Ruling:
        """Submit a request (an importer, an exporter or producer abroad, or a person with
        delegated authority filing through the client's account)."""
        if kind not in KINDS:
            raise InvalidComponent(value=kind, path="kind", expected="one of " + ", ".join(KINDS))
        if not product.description.strip():
            raise InvalidFormat(
                "the goods need a description",
                value=product.description,
                path="product.description",
            )
        return cls(
            ruling_id,
            kind,
            bn.validate(applicant, path="applicant"),
            product,
            "submitted",
            (Event("submitted", by, at),),
            publish,
            settings=settings or RulingSettings(),
        )

    def _move(self, action: str, by: str, at: datetime, note: str = "", **changes: Any) -> Ruling:
        if self.status not in _MOVES[action]:
            raise InvalidState(
                f"ruling {self.id} is {self.status}: it cannot {action.replace('_', ' ')}"
            )
        if self.history and at < self.history[-1].at:
            raise InvalidFormat(
                "events happen in order",
                value=at,
                path="at",
                expected=f"on or after {self.history[-1].at.isoformat()}",
            )
        status = str(changes.pop("status"))
        return attrs.evolve(
            self, status=status, history=(*self.history, Event(status, by, at, note)), **changes
        )

    def accept(self, *, by: str, at: datetime) -> Ruling:
        """All information is in: the service standard starts."""
        return self._move("accept", by, at, status="accepted", clock_started=at)

    def request_information(
        self, *, by: str, at: datetime, what: str, days: int | None = None
    ) -> Ruling:
        """The CBSA asks for more; the applicant has at least ``response_days``."""
        allowed = max(days or self.settings.response_days, self.settings.response_days)
        return self._move("request_information", by, at, what, status="information_requested",
                          response_due=at + timedelta(days=allowed), clock_started=None)  # fmt: skip

    def respond(self, *, by: str, at: datetime, note: str = "") -> Ruling:
        """The applicant answers: the request is complete and the clock starts again."""
        return self._move(
            "respond", by, at, note, status="accepted", response_due=None, clock_started=at
        )

    def issue(
        self, *, by: str, at: datetime, classification: str | None = None, note: str = ""
    ) -> Ruling:
        return self._move(
            "issue", by, at, note, status="issued", issued_at=at, decision=classification or note
        )

    def refuse(self, *, by: str, at: datetime, reason: str) -> Ruling:
        """Declined (hypothetical goods, several unrelated goods, facts that cannot be determined,
        no answer to a request for information...)."""
        return self._move("refuse", by, at, reason, status="refused", decision=reason)

    def withdraw(self, *, by: str, at: datetime) -> Ruling:
        return self._move("withdraw", by, at, status="withdrawn")

    def request_review(self, *, by: str, at: datetime, note: str = "") -> Ruling:
        """Ask for a review (s.60(2)) within ``review_days`` of the issue."""
        if self.kind in ("valuation", "marking"):
            raise InvalidState(
                "a National Customs Ruling is reviewed informally, before importation, by the office that issued it"
            )
        if self.issued_at is not None and at > self.issued_at + timedelta(
            days=self.settings.review_days
        ):
            raise InvalidState(
                f"a review must be asked for within {self.settings.review_days} days of the ruling"
            )
        return self._move("request_review", by, at, note, status="under_review")

    def decide_review(self, *, by: str, at: datetime, outcome: str) -> Ruling:
        return self._move(
            "decide_review", by, at, outcome, status="review_decided", decision=outcome
        )

    @property
    def final(self) -> bool:
        return self.status in _FINAL

    def deadlines(self) -> tuple[Deadline, ...]:
        """What is due, by whom, and when."""
        found = []
        if self.status == "accepted" and self.clock_started is not None:
            found.append(
                Deadline(
                    "CBSA decision (service standard)",
                    self.clock_started + timedelta(days=self.settings.service_days),
                    "CBSA",
                )
            )
        if self.status == "information_requested" and self.response_due is not None:
            found.append(
                Deadline(
                    "applicant's answer to the request for information",
                    self.response_due,
                    "applicant",
                )
            )
        if (
            self.status == "issued"
            and self.issued_at is not None
            and self.kind not in ("valuation", "marking")
        ):
            found.append(
                Deadline(
                    "last day to ask for a review (Customs Act s.60(2))",
                    self.issued_at + timedelta(days=self.settings.review_days),
                    "applicant",
                )
            )
        return tuple(found)

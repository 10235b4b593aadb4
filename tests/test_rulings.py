"""The ruling lifecycle and its deadlines (reference/cbsa-carm-facts.md section 6)."""

from datetime import UTC, datetime, timedelta

import pytest

from carm.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidState
from carm.rulings import Product, Ruling, RulingSettings

T = datetime(2026, 11, 2, 9, tzinfo=UTC)
SHIRT = Product(
    "men's cotton T-shirt", materials="100% cotton, knitted", use="retail", documents=("spec.pdf",)
)


def days(n: int) -> datetime:
    return T + timedelta(days=n)


def request(kind: str = "tariff_classification") -> Ruling:
    return Ruling.request(
        "R-1", kind=kind, applicant="123026635RM0001", product=SHIRT, by="u-alice", at=T
    )


def test_the_service_standard_runs_from_complete_information() -> None:
    r = request().accept(by="cbsa", at=days(7))
    (deadline,) = r.deadlines()
    assert (deadline.what, deadline.due, deadline.who) == (
        "CBSA decision (service standard)",
        days(127),
        "CBSA",
    )
    asked = r.request_information(by="cbsa", at=days(20), what="a sample", days=10)
    (answer,) = asked.deadlines()
    assert answer.due == days(50)  # at least 30 days, whatever was asked
    restarted = asked.respond(by="u-alice", at=days(40), note="sample sent")
    assert restarted.deadlines()[0].due == days(160)  # the 120 days start again
    issued = restarted.issue(by="cbsa", at=days(90), classification="6109.10.00.11")
    assert issued.decision == "6109.10.00.11"
    assert issued.deadlines()[0].due == days(180)  # review within 90 days
    reviewed = issued.request_review(by="u-alice", at=days(100))
    final = reviewed.decide_review(by="cbsa", at=days(200), outcome="confirmed")
    assert final.final
    assert [e.what for e in final.history] == [
        "submitted", "accepted", "information_requested", "accepted", "issued", "under_review", "review_decided",
    ]  # fmt: skip
    assert final.history[3].by == "u-alice"


def test_illegal_transitions_raise() -> None:
    r = request()
    with pytest.raises(InvalidState, match="is submitted: it cannot issue"):
        r.issue(by="cbsa", at=days(1))
    withdrawn = r.withdraw(by="u-alice", at=days(1))
    with pytest.raises(InvalidState):
        withdrawn.accept(by="cbsa", at=days(2))
    issued = r.accept(by="cbsa", at=days(1)).issue(by="cbsa", at=days(30))
    with pytest.raises(InvalidState, match="within 90 days"):
        issued.request_review(by="u-alice", at=days(121))
    with pytest.raises(InvalidState):
        issued.withdraw(by="u-alice", at=days(31))  # too late: it was issued
    with pytest.raises(InvalidFormat, match="in order"):
        r.accept(by="cbsa", at=days(-1))


def test_refusal_and_national_rulings() -> None:
    refused = request().refuse(by="cbsa", at=days(3), reason="hypothetical goods")
    assert (refused.status, refused.decision, refused.deadlines()) == (
        "refused",
        "hypothetical goods",
        (),
    )
    ncr = (
        request("valuation")
        .accept(by="cbsa", at=days(1))
        .issue(by="cbsa", at=days(20), note="transaction value")
    )
    assert ncr.deadlines() == ()
    with pytest.raises(InvalidState, match="reviewed informally"):
        ncr.request_review(by="u-alice", at=days(21))


def test_settings_and_bad_requests() -> None:
    quick = Ruling.request("R-2", kind="origin", applicant="123026635", product=SHIRT, by="u", at=T,
                           settings=RulingSettings(service_days=90))  # fmt: skip
    assert quick.accept(by="cbsa", at=T).deadlines()[0].due == days(90)
    with pytest.raises(InvalidComponent):
        Ruling.request("R-3", kind="weight", applicant="123026635", product=SHIRT, by="u", at=T)
    with pytest.raises(InvalidChecksum):
        Ruling.request("R-4", kind="origin", applicant="123456789", product=SHIRT, by="u", at=T)
    with pytest.raises(InvalidFormat):
        Ruling.request(
            "R-5", kind="origin", applicant="123026635", product=Product("  "), by="u", at=T
        )

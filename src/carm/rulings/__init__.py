"""Rulings: advance rulings and national customs rulings, their requests and their lifecycle.

Kinds (``reference/cbsa-carm-facts.md`` section 6):

- ``tariff_classification``: advance ruling, Customs Act s.43.1(1)(c), Memorandum D11-11-3;
- ``origin``: advance ruling on origin under a free trade agreement, D11-4-16;
- ``valuation`` and ``marking`` (and origin for MFN or non-FTA preferences): National Customs
  Rulings, an administrative service, D11-11-1.

The lifecycle, as the CBSA runs it: a request is **submitted**; once it holds all the information
needed it is **accepted**, which starts the service standard (120 calendar days); the CBSA may
**request information** (the applicant gets at least 30 calendar days; the clock restarts when the
answer is complete); the ruling is **issued** or **refused** (declined), or the applicant
**withdraws** it any time before issuance; an issued advance ruling may be put **under review**
(Customs Act s.60(2), within 90 days of its issue) until the review is **decided**. The CBSA's own
list of portal statuses was not found; these are the documented events. Every figure is a
:class:`RulingSettings` field.

>>> from datetime import datetime, UTC
>>> from carm.rulings import Product, Ruling
>>> r = Ruling.request("R-1", kind="tariff_classification", applicant="123026635RM0001",
...                    product=Product("men's cotton T-shirt", materials="100% cotton, knitted"),
...                    by="u-alice", at=datetime(2026, 11, 2, tzinfo=UTC))
>>> r = r.accept(by="cbsa", at=datetime(2026, 11, 9, tzinfo=UTC))
>>> r.status, [(d.what, d.due.date().isoformat()) for d in r.deadlines()]
('accepted', [('CBSA decision (service standard)', '2027-03-09')])
>>> r.issue(by="cbsa", at=datetime(2026, 12, 1, tzinfo=UTC), classification="6109.10.00.11").status
'issued'
"""

from carm.rulings._lifecycle import (
    KINDS,
    STATUSES,
    Deadline,
    Event,
    Product,
    Ruling,
    RulingSettings,
)

__all__ = [
    "KINDS",
    "STATUSES",
    "Deadline",
    "Event",
    "Product",
    "Ruling",
    "RulingSettings",
]

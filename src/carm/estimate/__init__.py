"""Landed cost: every duty and tax the CBSA would assess on a shipment, to the cent, with the working.

>>> from datetime import date
>>> from decimal import Decimal
>>> import carm
>>> est = carm.estimate(carm.Shipment(
...     importation="commercial", mode="courier", province="ON", release_date=date(2026, 10, 15),
...     exchange_rates={"USD": Decimal("1.3712")},
...     lines=[carm.Line(classification="6109.10.00.11", value=Decimal("1200.00"), currency="USD",
...                      origin="CN", quantity=Decimal("100"), description="men's cotton T-shirts")],
... ))
>>> est.value_for_duty, est.customs_duty, est.gst_hst, est.total
(Decimal('1645.44'), Decimal('296.18'), Decimal('97.08'), Decimal('393.26'))

See docs/estimate.md for the rules, their sources, and the settings.
"""

from carm.estimate._bulk import estimate_many
from carm.estimate._engine import estimate
from carm.estimate._frame import estimate_frame
from carm.estimate._io import load_shipment, shipment_from_dict
from carm.estimate._model import EXCISE_KINDS, Excise, Line, Settings, Shipment
from carm.estimate._result import Estimate, LineEstimate, LowValueOutcome, Step
from carm.estimate._tables import Tables, default_tables

__all__ = [
    "EXCISE_KINDS",
    "Estimate",
    "Excise",
    "Line",
    "LineEstimate",
    "LowValueOutcome",
    "Settings",
    "Shipment",
    "Step",
    "Tables",
    "default_tables",
    "estimate",
    "estimate_frame",
    "estimate_many",
    "load_shipment",
    "shipment_from_dict",
]

"""Declarations: validation, assessment and JSON round trips, against json.loads + json.dumps.

Run: ``.venv/bin/python benchmarks/declarations.py``. Prints, for a 1,000-line CAD (10 invoices of
100 lines) and for 10,000 small CADs (one invoice, two lines): seconds to validate, to assess, and
JSON round trips per second, with the baseline of ``json.loads`` + ``json.dumps`` of the same
documents in the same run.
"""

import json
import time
from datetime import date
from decimal import Decimal

from carm import declarations as decl
from carm.identifiers import transaction_number as txn

RATES = {"USD": "1.3712"}
ITEMS = [
    ("6109.10.00.22", "MX", "MXT"),
    ("6109.10.00.11", "CN", "MFN"),
    ("9503.00.90.91", "CN", "MFN"),
]


def make(sequence: int, invoices: int, lines: int) -> decl.Declaration:
    header = decl.Header(
        "123026635RM0001", txn.make(account_security="12345", sequence=sequence), "AB", "0497",
        date(2026, 10, 15), "2", "ON",
    )  # fmt: skip
    built = []
    for i in range(invoices):
        code, origin, treatment = ITEMS[i % len(ITEMS)]
        uom = None if code.startswith("9503") else "NMB"
        built.append(
            decl.Invoice(
                vendor=f"Vendor {i}",
                currency="USD",
                origin=origin,
                place_of_export=origin,
                direct_shipment_date=date(2026, 10, 10),
                treatment=treatment,
                lines=tuple(
                    decl.DeclarationLine(
                        code, f"item {j}", Decimal(100 + j), Decimal(10) if uom else None, uom
                    )
                    for j in range(lines)
                ),
            )
        )
    return decl.Declaration(header, tuple(built))


def timed(function: object) -> float:
    start = time.perf_counter()
    function()  # type: ignore[operator]
    return time.perf_counter() - start


def report(name: str, cads: list[decl.Declaration]) -> None:
    lines = sum(len(c.lines) for c in cads)
    validate_s = timed(lambda: [decl.validate(c) for c in cads])
    assessed: list[decl.Declaration] = []
    assess_s = timed(lambda: assessed.extend(decl.assess(c, exchange_rates=RATES) for c in cads))
    texts = [decl.to_json(c) for c in assessed]
    trip_s = timed(lambda: [decl.from_json(decl.to_json(decl.from_json(t))) for t in texts])
    base_s = timed(lambda: [json.loads(json.dumps(json.loads(t))) for t in texts])
    print(f"{name}: {len(cads):,} CADs, {lines:,} lines")
    print(f"  validate     {validate_s:8.3f} s   ({lines / validate_s:,.0f} lines/s)")
    print(f"  assess       {assess_s:8.3f} s   ({lines / assess_s:,.0f} lines/s)")
    print(
        f"  JSON trips   {len(cads) / trip_s:10,.0f} CADs/s   json.loads+dumps {len(cads) / base_s:12,.0f}/s   ratio {trip_s / base_s:.1f}x"
    )


def main() -> None:
    make(0, 1, 1)
    decl.assess(make(0, 1, 1), exchange_rates=RATES)  # load the schedule once
    report("one large CAD", [make(1, 10, 100)])
    report("many small CADs", [make(n, 1, 2) for n in range(10_000)])


if __name__ == "__main__":
    main()

"""Landed-cost estimates in bulk, against a floor measured in the same run.

Run: ``.venv/bin/python benchmarks/estimate.py [LINES]`` (default 100,000). The mix: 1,000
shipments of 100 lines, USD values converted at a fixed rate, cycling through ad valorem
(T-shirts from China and Mexico), a specific-rate floor (cheese), compound and clamped rates
(biscuits, chicken), a surtaxed electric car from China, and cigarettes with excise duty.

The floor does, per line, the same number of dict lookups (5) and Decimal multiply-and-round
operations (7) that any estimate needs at least, and nothing else. Printed: lines per second on
one process and on two (``workers=2``), the ratio of the floor to one process, the speed-up
of two processes over one, and shipments per second when each holds one line (a catalogue priced
product by product), where each shipment's own checks and lookups weigh most. Each figure is the
best of three rounds.
"""

import random
import sys
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import carm
from carm import Line, Shipment

MIX = [
    ("6109.10.00.11", "CN", None),
    ("6109.10.00.22", "MX", None),
    ("0406.10.20.00", "FR", None),
    ("1905.90.33.00", "GB", None),
    ("0207.14.91.10", "BR", None),
    ("8703.80.00.10", "CN", None),
    ("2402.20.00.00", "CN", "cigarettes"),
]
LINES_PER_SHIPMENT = 100
ROUNDS = 3


def build(total_lines: int, lines_per_shipment: int = LINES_PER_SHIPMENT) -> list[Shipment]:
    rng = random.Random(2026)
    shipments = []
    rates = {"USD": Decimal("1.3712")}  # one mapping for all, as a caller's loop would pass it
    for number in range(total_lines // lines_per_shipment):
        lines = []
        for index in range(lines_per_shipment):
            code, origin, excise = MIX[(number * lines_per_shipment + index) % len(MIX)]
            lines.append(
                Line(
                    classification=code,
                    value=Decimal(rng.randint(1_000, 5_000_000)) / 100,
                    currency="USD",
                    origin=origin,
                    quantity=Decimal(rng.randint(1, 500)),
                    excise=excise,
                )
            )
        shipments.append(
            Shipment(
                lines=lines,
                release_date=date(2026, 10, 15),
                province="ON",
                exchange_rates=rates,
            )
        )
    return shipments


def floor(shipments: list[Shipment]) -> float:
    rates = {"USD": Decimal("1.3712")}
    table = {code: Decimal("0.18") for code, _, _ in MIX}
    tax = {"ON": Decimal("0.05")}
    cent = Decimal("0.01")
    start = time.perf_counter()
    for shipment in shipments:
        for line in shipment.lines:
            rate = rates[line.currency]
            duty_rate = table[line.classification]
            _ = table.get(line.origin)
            _ = rates.get(line.origin)
            gst = tax[shipment.province]
            vfd = (Decimal(line.value) * rate).quantize(cent, ROUND_HALF_UP)
            duty = (vfd * duty_rate).quantize(cent, ROUND_HALF_UP)
            surtax = (vfd * duty_rate).quantize(cent, ROUND_HALF_UP)
            excise = (vfd * duty_rate).quantize(cent, ROUND_HALF_UP)
            vft = (vfd + duty + surtax + excise).quantize(cent, ROUND_HALF_UP)
            (vft * gst).quantize(cent, ROUND_HALF_UP)
            (vft * gst).quantize(cent, ROUND_HALF_UP)
    return time.perf_counter() - start


def timed(shipments: list[Shipment], workers: int) -> float:
    start = time.perf_counter()
    carm.estimate_many(shipments, workers=workers)
    return time.perf_counter() - start


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    shipments = build(total)
    lines = len(shipments) * LINES_PER_SHIPMENT
    carm.estimate(shipments[0])  # load the schedule and tables once, as any long run would
    singles = build(total // 5, lines_per_shipment=1)
    # Best of three rounds, each timing every contender in turn: this virtual machine's speed
    # drifts by a third within a minute, and a ratio of two single timings drifts with it.
    rounds = [
        (floor(shipments), timed(shipments, 1), timed(shipments, 2), timed(singles, 1))
        for _ in range(ROUNDS)
    ]
    floor_s, one_s, two_s, single_s = (min(column) for column in zip(*rounds, strict=True))
    print(f"lines                           {lines:>12,}")
    print(f"floor (lookups + Decimal ops)   {lines / floor_s:>12,.0f} lines/s")
    print(
        f"carm.estimate_many, 1 process   {lines / one_s:>12,.0f} lines/s   floor / carm = {one_s / floor_s:.1f}x"
    )
    print(
        f"carm.estimate_many, 2 processes {lines / two_s:>12,.0f} lines/s   speed-up {one_s / two_s:.2f}x"
    )
    print(f"one-line shipments, 1 process   {len(singles) / single_s:>12,.0f} shipments/s")


if __name__ == "__main__":
    main()

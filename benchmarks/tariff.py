"""The tariff's hot paths, each against a baseline measured in the same run.

Run: ``.venv/bin/python benchmarks/tariff.py``. Prints:

- first load of the bundled schedule (HS 2022 + edition T2026-2), against reading the same gzipped
  CSV rows with the csv module alone (target: under 200 ms);
- lookups per second over every classification, against a plain dict lookup (target: 1,000,000/s);
- rate evaluations per second over the bundled rate texts, against one Decimal multiply
  (target: 300,000/s).
"""

import csv
import gzip
import io
import time
from decimal import Decimal
from importlib import resources

from carm.tariff import _hs, editions, load_schedule, rates


def best_of(repeat: int, function: object) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        timings.append(time.perf_counter() - start)
    return min(timings)


def cold_load() -> None:
    editions._schedule.cache_clear()
    _hs.nomenclature.cache_clear()
    rates._parse.cache_clear()
    load_schedule()


def baseline_load() -> None:
    for name in ("hs2022.csv.gz", "T2026-2.csv.gz"):
        raw = resources.files("carm.tariff").joinpath("data", name).read_bytes()
        list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))


def main() -> None:
    load_s = best_of(5, cold_load)
    base_load_s = best_of(5, baseline_load)
    print(f"first load of the bundled schedule  {load_s * 1000:9.1f} ms")
    print(
        f"  baseline: csv rows only           {base_load_s * 1000:9.1f} ms   ratio {load_s / base_load_s:.2f}"
    )

    schedule = load_schedule()
    codes = [line.code for line in schedule.classifications()] * 200
    plain = {code: object() for code in codes}
    lookup_s = best_of(5, lambda: [schedule.lookup(c) for c in codes])
    dict_s = best_of(5, lambda: [plain[c] for c in codes])
    print(f"lookups                             {len(codes) / lookup_s:12,.0f} /s")
    print(
        f"  baseline: dict lookup             {len(codes) / dict_s:12,.0f} /s   ratio {dict_s / lookup_s:.2f}"
    )

    parsed = [line.rates["MFN"] for line in schedule.classifications()]
    cases = parsed * 100
    value = Decimal("1234.56")
    quantities = {"KGM": Decimal("100"), "LTR": Decimal("50"), "NMB": Decimal("12")}
    eval_s = best_of(5, lambda: [r.duty(value, quantities) for r in cases])
    percent = Decimal("0.18")
    mult_s = best_of(5, lambda: [value * percent for _ in cases])
    print(f"rate evaluations                    {len(cases) / eval_s:12,.0f} /s")
    print(
        f"  baseline: one Decimal multiply    {len(cases) / mult_s:12,.0f} /s   ratio {mult_s / eval_s:.2f}"
    )


if __name__ == "__main__":
    main()

"""Business-number validation: carm against python-stdnum's ``stdnum.ca.bn`` (the baseline).

Run: ``.venv/bin/python benchmarks/identifiers.py``. Prints microseconds per call for each and the
ratio carm / baseline, on the same 50,000 generated BN15 numbers in one run.
"""

import random
import timeit

from stdnum.ca import bn as baseline

from carm.identifiers import bn

COUNT = 50_000


def numbers() -> list[str]:
    rng = random.Random(2026)
    found = []
    for _ in range(COUNT):
        first_eight = f"{rng.randrange(10**8):08d}"
        found.append(f"{first_eight}{bn.calc_check_digit(first_eight)}RM{rng.randrange(10**4):04d}")
    return found


def main() -> None:
    sample = numbers()
    carm_s = min(timeit.repeat(lambda: [bn.validate(n) for n in sample], number=1, repeat=5))
    base_s = min(timeit.repeat(lambda: [baseline.validate(n) for n in sample], number=1, repeat=5))
    print(f"carm.identifiers.bn.validate  {carm_s / COUNT * 1e6:7.2f} µs/call")
    print(f"stdnum.ca.bn.validate         {base_s / COUNT * 1e6:7.2f} µs/call (baseline)")
    print(f"ratio carm / baseline         {carm_s / base_s:7.2f}")


if __name__ == "__main__":
    main()

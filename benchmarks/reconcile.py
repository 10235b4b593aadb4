"""Reconciling a statement against the books: carm against the pandas way, in the same run.

Run: ``.venv/bin/python benchmarks/reconcile.py [ROWS]`` (default 1,000,000 per side). Both sides
are written as CSV files first, with a known mix: 1% amount differences, 0.5% only in the
statement, 0.5% only in the books, 0.1% duplicated in each side. Each contender reads the two
files and sorts every number into the same categories; the script checks that both found the same
counts and prints seconds for each and the ratio.
"""

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from carm.ledger import read_pairs, reconcile


def write_files(rows: int, folder: Path) -> tuple[Path, Path, dict[str, int]]:
    rng = random.Random(2026)
    statement, books = folder / "statement.csv", folder / "books.csv"
    expected = {
        "amount_differences": 0,
        "only_in_statement": 0,
        "only_in_books": 0,
        "duplicates": 0,
    }
    with statement.open("w", newline="") as s_file, books.open("w", newline="") as b_file:
        s_out, b_out = csv.writer(s_file), csv.writer(b_file)
        s_out.writerow(["number", "amount"])
        b_out.writerow(["number", "amount"])
        for i in range(rows):
            number = f"{10000000000000 + i}"
            cents = rng.randint(100, 10_000_000)
            amount = f"{cents // 100}.{cents % 100:02d}"
            roll = rng.random()
            if roll < 0.005:
                s_out.writerow([number, amount])
                expected["only_in_statement"] += 1
            elif roll < 0.010:
                b_out.writerow([number, amount])
                expected["only_in_books"] += 1
            elif roll < 0.020:
                s_out.writerow([number, amount])
                b_out.writerow([number, f"{cents // 100 + 1}.{cents % 100:02d}"])
                expected["amount_differences"] += 1
            elif roll < 0.021:
                s_out.writerow([number, amount])
                s_out.writerow([number, amount])
                b_out.writerow([number, amount])
                expected["duplicates"] += 1
            elif roll < 0.022:
                s_out.writerow([number, amount])
                b_out.writerow([number, amount])
                b_out.writerow([number, amount])
                expected["duplicates"] += 1
            else:
                s_out.writerow([number, amount])
                b_out.writerow([number, amount])
    return statement, books, expected


def with_carm(statement: Path, books: Path) -> dict[str, int]:
    result = reconcile(read_pairs(statement), read_pairs(books))
    return {
        k: v
        for k, v in result.summary.items()
        if k in ("amount_differences", "only_in_statement", "only_in_books", "duplicates")
    }


def with_pandas(statement: Path, books: Path) -> dict[str, int]:
    # As a notebook user would: read, flag duplicates, outer merge, compare amounts in cents.
    s = pd.read_csv(statement, dtype={"number": str, "amount": str})
    b = pd.read_csv(books, dtype={"number": str, "amount": str})
    s["cents"] = (s["amount"].astype(float) * 100).round().astype("int64")
    b["cents"] = (b["amount"].astype(float) * 100).round().astype("int64")
    s_dup = s["number"].duplicated(keep=False)
    b_dup = b["number"].duplicated(keep=False)
    duplicates = s.loc[s_dup, "number"].nunique() + b.loc[b_dup, "number"].nunique()
    s_dup_numbers = set(s.loc[s_dup, "number"])
    merged = s[~s_dup].merge(
        b[~b_dup], on="number", how="outer", suffixes=("_s", "_b"), indicator=True
    )
    both = merged[merged["_merge"] == "both"]
    only_s = merged[merged["_merge"] == "left_only"]
    only_b = merged[(merged["_merge"] == "right_only") & ~merged["number"].isin(s_dup_numbers)]
    return {
        "amount_differences": int((both["cents_s"] != both["cents_b"]).sum()),
        "only_in_statement": len(only_s[~only_s["number"].isin(set(b.loc[b_dup, "number"]))]),
        "only_in_books": len(only_b),
        "duplicates": int(duplicates),
    }


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        statement, books, expected = write_files(rows, Path(folder))
        start = time.perf_counter()
        carm_found = with_carm(statement, books)
        carm_s = time.perf_counter() - start
        start = time.perf_counter()
        pandas_found = with_pandas(statement, books)
        pandas_s = time.perf_counter() - start
    print(f"rows per side                {rows:>12,}")
    print(f"expected                     {expected}")
    print(f"carm found                   {carm_found}")
    print(f"pandas found                 {pandas_found}")
    print(f"carm.ledger.reconcile        {carm_s:>9.2f} s")
    print(
        f"pandas merge and compare     {pandas_s:>9.2f} s   ratio carm / pandas = {carm_s / pandas_s:.2f}"
    )
    if carm_found != expected or pandas_found != expected:
        raise SystemExit("the categories found differ from the mix written")


if __name__ == "__main__":
    main()

"""Accuracy of :func:`carm.tariff.classify` on labelled descriptions (``description,hs6`` CSV)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import attrs

from carm.errors import InvalidFormat
from carm.tariff._vectors import forget_queries
from carm.tariff.classify import chosen_method, classify

__all__ = ["Evaluation", "evaluate", "read_labelled"]


@attrs.frozen
class Evaluation:
    method: str
    rows: int
    top1_hs6: float
    top5_hs6: float
    top1_heading: float
    top1_chapter: float
    p50_ms: float
    p95_ms: float

    def to_text(self) -> str:
        return (
            f"method         {self.method}\n"
            f"rows           {self.rows}\n"
            f"top-1 HS6      {self.top1_hs6:6.1%}\n"
            f"top-5 HS6      {self.top5_hs6:6.1%}\n"
            f"top-1 heading  {self.top1_heading:6.1%}\n"
            f"top-1 chapter  {self.top1_chapter:6.1%}\n"
            f"latency p50    {self.p50_ms:6.2f} ms\n"
            f"latency p95    {self.p95_ms:6.2f} ms"
        )


def read_labelled(path: str | Path) -> list[tuple[str, str]]:
    """(description, hs6) pairs from a CSV with those columns."""
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"description", "hs6"} <= set(rows[0]):
        raise InvalidFormat(
            "needs the columns description and hs6", value=Path(path).name, path="file"
        )
    return [(row["description"], row["hs6"].strip().zfill(6)) for row in rows]


def evaluate(
    pairs: Iterable[tuple[str, str]],
    rank: Callable[[str], list[str]] | None = None,
    *,
    method: str = "auto",
) -> Evaluation:
    """Top-1/top-5 accuracy at HS6, top-1 at heading and chapter, and query latency.

    ``rank`` (description to HS6 codes, best first) defaults to carm's classifier with ``method``
    (see :func:`carm.tariff.classify`); the benchmark passes a baseline.
    """
    name = "given" if rank else chosen_method(method)
    chosen = rank or (lambda text: [c.hs6 for c in classify(text, limit=5, method=name)])
    top1 = top5 = heading = chapter = 0
    latencies = []
    count = 0
    for text, label in pairs:
        forget_queries()  # each description timed as a first sight, repeats included
        start = time.perf_counter()
        codes = chosen(text)[:5]
        latencies.append((time.perf_counter() - start) * 1000)
        count += 1
        if codes:
            top1 += codes[0] == label
            heading += codes[0][:4] == label[:4]
            chapter += codes[0][:2] == label[:2]
        top5 += label in codes
    if not count:
        raise InvalidFormat("no labelled rows", value=0, path="file")
    latencies.sort()
    return Evaluation(
        name, count, top1 / count, top5 / count, heading / count, chapter / count,
        latencies[count // 2], latencies[min(count - 1, int(count * 0.95))],
    )  # fmt: skip

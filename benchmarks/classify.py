"""Classification accuracy and speed: carm against a plain BM25 baseline, in the same run.

Run: ``.venv/bin/python benchmarks/classify.py [FILE.csv]`` (default: the team's development set,
``../shared/data/classification_dev/cross_rulings.csv``). The baseline is ``rank_bm25.BM25Okapi``
over the HS 2022 subheading texts (with their heading's), lower-cased and split on non-letters:
what the issue calls a plain keyword search.
"""

import re
import sys
import time
from pathlib import Path

from rank_bm25 import BM25Okapi

from carm.tariff._hs import nomenclature
from carm.tariff.classify import _index
from carm.tariff.evaluate import evaluate, read_labelled

DEFAULT = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "classification_dev"
    / "cross_rulings.csv"
)


def baseline() -> object:
    hs = nomenclature()
    codes, texts = [], []
    for code, node in hs._nodes.items():
        if len(code) == 6:
            codes.append(code)
            texts.append(
                re.findall(
                    r"[a-z]+", f"{node.description} {hs._nodes[code[:4]].description}".lower()
                )
            )
    model = BM25Okapi(texts)

    def rank(text: str) -> list[str]:
        scores = model.get_scores(re.findall(r"[a-z]+", text.lower()))
        best = sorted(range(len(codes)), key=lambda i: -scores[i])[:5]
        return [codes[i] for i in best]

    return rank


def main() -> None:
    pairs = read_labelled(sys.argv[1] if len(sys.argv) > 1 else DEFAULT)
    start = time.perf_counter()
    _index()
    load = time.perf_counter() - start
    carm_result = evaluate(pairs)
    base_result = evaluate(pairs, baseline())  # type: ignore[arg-type]
    print(f"rows {len(pairs)}; carm index ready (prebuilt, or built) in {load * 1000:.0f} ms")
    print(f"{'':16}{'carm':>10}{'BM25 baseline':>16}{'ratio':>8}")
    for name in ("top1_hs6", "top5_hs6", "top1_heading", "top1_chapter", "p50_ms", "p95_ms"):
        ours, theirs = getattr(carm_result, name), getattr(base_result, name)
        shown = (
            (f"{ours:.1%}", f"{theirs:.1%}")
            if "ms" not in name
            else (f"{ours:.2f}", f"{theirs:.2f}")
        )
        ratio = ours / theirs if theirs else float("inf")
        print(f"{name:16}{shown[0]:>10}{shown[1]:>16}{ratio:>8.2f}")


if __name__ == "__main__":
    main()

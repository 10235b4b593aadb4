"""Classification accuracy and speed: carm's rankers against a plain BM25 baseline, in one run.

Run: ``.venv/bin/python benchmarks/classify.py [FILE.csv]`` (default: the team's development set,
``../shared/data/classification_dev/cross_rulings.csv``). carm runs twice: hybrid (the embedding
model, when installed) and keywords alone. The baseline is ``rank_bm25.BM25Okapi``
over the HS 2022 subheading texts (with their heading's), lower-cased and split on non-letters:
what the issue calls a plain keyword search.

A last pair of rows measures carm again without the curated product terms that occur in the
labelled descriptions: the terms were written by people who had read the development set, and
those rows say what the rest of the ranker does on descriptions its lexicon was not written
against.
"""

import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from rank_bm25 import BM25Okapi

from carm.tariff import _terms
from carm.tariff._hs import nomenclature
from carm.tariff.classify import classify
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
    classify(pairs[0][0])
    first = time.perf_counter() - start
    results = [evaluate(pairs), evaluate(pairs, method="keywords")]
    base_result = evaluate(pairs, baseline())  # type: ignore[arg-type]
    print(f"rows {len(pairs)}; carm's first query (loading its indexes) took {first * 1000:.0f} ms")
    names = [f"carm {result.method}" for result in results]
    print(f"{'':16}" + "".join(f"{n:>16}" for n in names) + f"{'BM25 baseline':>16}{'ratio':>8}")
    for name in ("top1_hs6", "top5_hs6", "top1_heading", "top1_chapter", "p50_ms", "p95_ms"):
        figures = [getattr(result, name) for result in (*results, base_result)]
        shown = [f"{f:.1%}" if "ms" not in name else f"{f:.2f}" for f in figures]
        ratio = figures[0] / figures[-1] if figures[-1] else float("inf")
        print(f"{name:16}" + "".join(f"{s:>16}" for s in shown) + f"{ratio:>8.2f}")
    seen = without_seen_terms(text for text, _ in pairs)
    print(
        f"without the {len(seen)} product terms the descriptions use ({', '.join(sorted(seen))}):"
    )
    for method in ("hybrid", "keywords"):
        r = evaluate(pairs, method=method)
        print(
            f"  carm {r.method:<9} top1_hs6 {r.top1_hs6:.1%}  top5_hs6 {r.top5_hs6:.1%}  "
            f"top1_heading {r.top1_heading:.1%}  top1_chapter {r.top1_chapter:.1%}"
        )


def without_seen_terms(texts: Iterable[str]) -> set[str]:
    """Drop from the lexicon every product term these texts use (for the rest of the run), and
    then the shorter terms that dropping a longer one brings to light ("dress" in "dress shirt")."""
    texts = list(texts)
    everything = _terms._product_terms()
    seen: set[str] = set()
    while True:
        kept = {key: term for key, term in everything.items() if term.term not in seen}
        _terms._product_terms = lambda kept=kept: kept  # type: ignore[misc]
        found = {term.term for text in texts for term in _terms.terms_in(text)}
        if not found:
            return seen
        seen |= found


if __name__ == "__main__":
    main()

"""Prebuild the nomenclature's line vectors that ``carm.tariff.classify`` compares descriptions with.

Run (needs the embeddings extra and the model, see docs/classify.md):
``.venv/bin/python scripts/build_classify_vectors.py``. It encodes every line of the bundled HS,
US HTSUS and Canadian tariff wording with all-MiniLM-L6-v2 (a few minutes on two cores) and writes
``src/carm/tariff/data/classify_vectors.npz`` with the SHA-256 of the model's weights and of those
files. Rerun after changing the data; a test fails while it is stale.
"""

import time
from pathlib import Path

from carm.tariff._vectors import VECTORS, build_vectors

TARGET = Path(__file__).resolve().parents[1] / "src" / "carm" / "tariff" / "data" / VECTORS


def main() -> None:
    start = time.perf_counter()
    lines = build_vectors(TARGET)
    print(
        f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes, {lines:,} lines, "
        f"{time.perf_counter() - start:.0f} s)"
    )


if __name__ == "__main__":
    main()

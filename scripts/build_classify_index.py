"""Prebuild the classification index that ``carm.tariff.classify`` loads.

Run: ``.venv/bin/python scripts/build_classify_index.py``. It builds the BM25 index from the
bundled HS nomenclature, Canadian tariff and US HTSUS wording (see src/carm/tariff/data/README.md)
and writes ``src/carm/tariff/data/classify_index.json.gz`` with the SHA-256 of those files; carm
uses it only while that digest matches, and rebuilds otherwise. Rerun after changing the data or
the wording rules in ``carm.tariff.classify``; a test fails while it is stale.
"""

import gzip
from pathlib import Path

from carm.tariff.classify import build_index

TARGET = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "carm"
    / "tariff"
    / "data"
    / "classify_index.json.gz"
)


def main() -> None:
    TARGET.write_bytes(gzip.compress(build_index().to_json().encode("utf-8"), mtime=0))
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()

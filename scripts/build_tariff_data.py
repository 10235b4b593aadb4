"""Build carm's bundled tariff data from ``shared/data`` (the team's reference data).

Run: ``.venv/bin/python scripts/build_tariff_data.py [SHARED_DATA_DIR]`` (default ``../shared/data``).
Writes ``src/carm/tariff/data/``: the Customs Tariff excerpt as one CSV in the same layout as the
source, the HS 2022 nomenclature, its sections, and ``editions.json`` with each file's edition,
effective date and provenance. Values are copied verbatim; rows are only sorted and de-duplicated
where the source repeats a row exactly.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path

from carm.tariff._readers import BUNDLED_COLUMNS

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "src" / "carm" / "tariff" / "data"
TARIFF_COLUMNS = list(BUNDLED_COLUMNS)  # the layout the package reads

EDITION = {
    "edition": "T2026-2",
    "effective": "2026-09-01",
    "file": "T2026-2.csv.gz",
    "scope": "excerpt: 833 rows, 314 tariff items chosen to cover common imports",
    "source": (
        "CBSA, Customs Tariff 2026 HTML chapters, "
        "https://www.cbsa-asfc.gc.ca/trade-commerce/tariff-tarif/2026/ ; via the public scrape "
        "nareshpane/nareshpane.github.io@df3ab8cd1eba0673c5f30f468e2051a64f1d41af "
        "research/harmonized-system/1-harmonized-system-canada/data/hs-t2026-2.json"
    ),
    "licence": (
        "Customs Tariff (S.C. 1997, c. 36), a federal enactment; reproduced under the "
        "Reproduction of Federal Law Order; not an official version"
    ),
}
HS = {
    "nomenclature": "HS 2022",
    "file": "hs2022.csv.gz",
    "sections": "sections.csv",
    "source": (
        "UN Comtrade short descriptions via GitHub datasets/harmonized-system@"
        "905e5a0fa29f5700d62cb3cc1265f21bc8a92329 (datapackage version 2022.0)"
    ),
    "licence": "ODC-PDDL-1.0",
}


def _write_gz(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime=0 keeps the output byte-identical between runs
    path.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0))


def build(shared: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    seen: set[tuple[str, ...]] = set()
    tariff_rows: list[list[str]] = []
    for source in sorted((shared / "cbsa_tariff").glob("*.csv")):
        with source.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                values = tuple(row[column] for column in TARIFF_COLUMNS)
                if values not in seen:
                    seen.add(values)
                    tariff_rows.append(list(values))
    tariff_rows.sort(key=lambda r: (r[0], r[1]))
    _write_gz(OUT / EDITION["file"], TARIFF_COLUMNS, tariff_rows)

    hs_rows: list[list[str]] = []
    with (shared / "harmonized_system" / "harmonized-system.csv").open(
        encoding="utf-8-sig", newline=""
    ) as handle:
        for row in csv.DictReader(handle):
            # Comtrade's own rows: the grand total, and "Commodities not specified according to
            # kind" (99, 9999, 999999, section TOTAL), which HS 2022 does not hold.
            if row["hscode"] == "TOTAL" or row["section"] == "TOTAL":
                continue
            parent = "" if row["parent"] == "TOTAL" else row["parent"]
            hs_rows.append(
                [row["hscode"], row["level"], parent, row["section"], row["description"]]
            )
    _write_gz(OUT / HS["file"], ["hscode", "level", "parent", "section", "description"], hs_rows)

    with (shared / "harmonized_system" / "sections.csv").open(encoding="utf-8-sig") as handle:
        (OUT / HS["sections"]).write_text(handle.read(), encoding="utf-8")

    # Vocabulary for classification: copied as is (already gzipped CSV; see its README).
    (OUT / "us_hts_2026r10.csv.gz").write_bytes(
        (shared / "us_hts" / "hts_lines.csv.gz").read_bytes()
    )

    with (shared / "code_lists" / "cbsa_tariff_treatments.csv").open(encoding="utf-8") as handle:
        (OUT / "treatments.csv").write_text(handle.read(), encoding="utf-8")

    editions = {
        "tariff": [EDITION],
        "hs": HS,
        "treatments": {
            "file": "treatments.csv",
            "source": "shared/data/code_lists/cbsa_tariff_treatments.csv (CBSA D-memoranda; "
            "see reference/duty-and-tax-rules.md section 3); the CPUKT code is not confirmed",
        },
    }
    (OUT / "editions.json").write_text(json.dumps(editions, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(tariff_rows)} tariff rows and {len(hs_rows)} HS rows to {OUT}")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "data")

"""Editions of the Customs Tariff: the bundled one, and those a user imports into the cache.

``load_schedule(as_of=...)`` uses the newest edition whose effective date is on or before the date
asked for; with no date, the newest edition there is. Nothing falls back to a later edition: a date
before every edition raises :class:`~carm.errors.NotInEffect`.

Imported editions live in the user's cache directory (``platformdirs.user_cache_dir("carm")``, or
``$CARM_CACHE_DIR``), under ``tariff/``, each as a CSV in the CBSA's TPHS layout plus an entry in
``tariff/index.json``. ``carm tariff import FILE`` does the same from the shell.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs
import platformdirs

from carm._files import read_text
from carm.errors import InvalidComponent, InvalidFormat, InvalidType, NotInEffect
from carm.tariff._hs import nomenclature
from carm.tariff._readers import TariffRow, detect_layout, read_bundled, read_tphs, write_tphs
from carm.tariff.schedule import Schedule

__all__ = [
    "Edition",
    "available_editions",
    "cache_directory",
    "import_edition",
    "load_schedule",
    "read_rows",
    "store_edition",
]

_CACHE_ENV: Final = "CARM_CACHE_DIR"
_INDEX: Final = "index.json"
_EDITION_NAME: Final = re.compile(r"^T\d{4}-\d+$")
_CBSA_FILE_NAME: Final = re.compile(r"01-99-(\d{4})-(\d+)")


@attrs.frozen
class Edition:
    """One edition of the schedule: its name (``T2026-2``), effective date and where it is kept."""

    name: str
    effective: date
    location: str  # a path, or "package:<file>" for bundled data
    layout: str
    source: str
    excerpt: bool = False

    @property
    def bundled(self) -> bool:
        return self.location.startswith("package:")


def cache_directory() -> Path:
    """Where imported editions are kept: ``$CARM_CACHE_DIR`` or the platform's user cache."""
    return _cache_directory(os.environ.get(_CACHE_ENV))


@cache
def _cache_directory(override: str | None) -> Path:
    root = Path(override) if override else Path(platformdirs.user_cache_dir("carm"))
    return root / "tariff"


@cache
def _bundled() -> tuple[Edition, ...]:
    metadata = json.loads(
        resources.files("carm.tariff").joinpath("data", "editions.json").read_text("utf-8")
    )
    return tuple(
        Edition(
            name=entry["edition"],
            effective=date.fromisoformat(entry["effective"]),
            location=f"package:{entry['file']}",
            layout="bundled",
            source=entry["source"],
            excerpt=entry["scope"].startswith("excerpt"),
        )
        for entry in metadata["tariff"]
    )


def _cached(directory: Path) -> tuple[Edition, ...]:
    # Estimates ask for every shipment: read the index again only when it changed.
    index = directory / _INDEX
    try:
        found = index.stat()
    except FileNotFoundError:
        return ()
    return _read_index(index, found.st_mtime_ns, found.st_size)


@cache
def _read_index(index: Path, modified: int, size: int) -> tuple[Edition, ...]:
    directory = index.parent
    entries: list[dict[str, Any]] = json.loads(index.read_text("utf-8"))
    return tuple(
        Edition(
            name=entry["name"],
            effective=date.fromisoformat(entry["effective"]),
            location=str(directory / entry["file"]),
            layout="tphs",
            source=entry["source"],
        )
        for entry in entries
    )


def available_editions() -> tuple[Edition, ...]:
    """Every edition carm can load, oldest first (imported ones after bundled ones of the same day)."""
    editions = [*_bundled(), *_cached(cache_directory())]
    return tuple(sorted(editions, key=lambda e: (e.effective, not e.bundled)))


def _choose(as_of: date | None) -> Edition:
    editions = available_editions()
    if as_of is None:
        return editions[-1]
    if not isinstance(as_of, date):
        raise InvalidType(value=as_of, path="as_of", expected="a datetime.date")
    in_effect = [e for e in editions if e.effective <= as_of]
    if not in_effect:
        earliest = editions[0]
        raise NotInEffect(
            f"no edition of the Customs Tariff is in effect on {as_of.isoformat()}",
            value=as_of,
            path="as_of",
            expected=f"a date on or after {earliest.effective.isoformat()} ({earliest.name}), "
            "or import the edition for that date with `carm tariff import`",
        )
    return in_effect[-1]


def read_rows(text: str) -> list[TariffRow]:
    """Rows of a tariff CSV in either layout carm reads (see :mod:`carm.tariff._readers`)."""
    lines = text.splitlines(keepends=True)
    if not lines:
        raise InvalidFormat("the file is empty", value="", path="file")
    header = next(csv.reader(lines[:1]))
    layout = detect_layout(header)
    return read_bundled(lines) if layout == "bundled" else read_tphs(lines)


def _text(edition: Edition) -> str:
    if edition.bundled:
        name = edition.location.removeprefix("package:")
        raw = resources.files("carm.tariff").joinpath("data", name).read_bytes()
        return gzip.decompress(raw).decode("utf-8") if name.endswith(".gz") else raw.decode()
    return Path(edition.location).read_text("utf-8")


@cache
def _schedule(edition: Edition, stamp: int) -> Schedule:
    # ``stamp`` (the file's modification time) makes a re-imported edition load afresh.
    return Schedule(
        read_rows(_text(edition)),
        edition=edition.name,
        effective=edition.effective,
        nomenclature=nomenclature(),
        source=edition.source,
        excerpt=edition.excerpt,
    )


def load_schedule(as_of: date | None = None) -> Schedule:
    """The schedule in effect on ``as_of`` (default: the newest edition), loaded once and shared."""
    edition = _choose(as_of)
    stamp = 0 if edition.bundled else Path(edition.location).stat().st_mtime_ns
    return _schedule(edition, stamp)


def _edition_name(path: Path, given: str | None) -> str:
    if given is not None:
        name = given.strip()
        if not _EDITION_NAME.match(name):
            raise InvalidFormat(value=given, path="edition", expected="a name such as T2026-2")
        return name
    found = _CBSA_FILE_NAME.search(path.name)
    if found is None:
        raise InvalidComponent(
            "cannot tell the edition from the file name",
            value=path.name,
            path="edition",
            expected="--edition T2026-2 (or a CBSA file name such as 01-99-2026-2-eng.csv)",
        )
    return f"T{found.group(1)}-{found.group(2)}"


def _effective(rows: Iterable[TariffRow], given: date | None) -> date:
    if given is not None:
        return given
    dates = [row.effective for row in rows if row.effective is not None]
    if not dates:
        raise InvalidComponent(
            "the file has no EFF_DATE to take the effective date from",
            value=None,
            path="effective",
            expected="--effective YYYY-MM-DD",
        )
    return max(dates)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_edition(
    path: str | Path, *, edition: str | None = None, effective: date | None = None
) -> Edition:
    """Check a tariff file and keep it in the cache as an edition; returns the edition.

    The file is the CBSA's TPHS table as ``mdb-export 01-99-YYYY-N-eng.accdb TPHS`` writes it, or
    carm's bundled layout. Every row is checked first; a file with any error stores nothing.
    """
    source = Path(path)
    text = read_text(source, encoding="utf-8-sig")
    rows = read_rows(text)
    name = _edition_name(source, edition)
    when = _effective(rows, effective)
    return store_edition(rows, edition=name, effective=when, source=source.name)


def store_edition(rows: list[TariffRow], *, edition: str, effective: date, source: str) -> Edition:
    """Keep checked rows in the cache as an edition (replacing one of the same name)."""
    directory = cache_directory()
    file_name = f"{edition}.csv"
    _atomic_write(directory / file_name, write_tphs(rows))
    entries = [
        {
            "name": e.name,
            "effective": e.effective.isoformat(),
            "file": Path(e.location).name,
            "source": e.source,
        }
        for e in _cached(directory)
        if e.name != edition
    ]
    entries.append(
        {"name": edition, "effective": effective.isoformat(), "file": file_name, "source": source}
    )
    entries.sort(key=lambda entry: entry["effective"])
    _atomic_write(directory / _INDEX, json.dumps(entries, indent=2) + "\n")
    return Edition(edition, effective, str(directory / file_name), "tphs", source)

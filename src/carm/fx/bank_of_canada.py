"""Bank of Canada exchange rates: its Valet CSV files, and the Valet API over HTTP.

The Bank publishes one indicative rate per currency per business day, by 16:30 ET, as CAD per
unit of the currency (series ``FX{CUR}CAD``). Terms: https://www.bankofcanada.ca/terms/ (reproduction
with attribution).

- :class:`BankOfCanadaCSV` reads the CSV that Valet serves (``/valet/observations/group/
  FX_RATES_DAILY/csv`` and series CSVs: sections ``"TERMS AND CONDITIONS"`` ... ``"OBSERVATIONS"``)
  or a plain ``date,FXUSDCAD,...`` table.
- :class:`ValetSource` asks the Valet API (``GET {base}/observations/FX{CUR}CAD/json?start_date=
  &end_date=``) with httpx (``pip install carm[http]``), caching each answer.

Both apply a :class:`~carm.fx.DateRule` with a maximum age: a missing rate is an error naming the
date and the rule, never a silent fallback to another date.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from carm.errors import ErrorCollector, InvalidFormat, NotInEffect, ServiceError, enum_member
from carm.fx._base import (
    DEFAULT_DATE_RULE,
    DEFAULT_MAX_AGE_DAYS,
    DateRule,
    ObservationTable,
    Quote,
    cad_quote,
    currency_code,
    parse_rate_text,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["VALET_URL", "BankOfCanadaCSV", "ValetSource", "read_valet_csv", "read_valet_json"]

VALET_URL: Final = "https://www.bankofcanada.ca/valet"
_SERIES_PREFIX: Final = "FX"
_SERIES_SUFFIX: Final = "CAD"


def _series_currency(series: str) -> str | None:
    if series.startswith(_SERIES_PREFIX) and series.endswith(_SERIES_SUFFIX) and len(series) == 8:
        return series[2:5]
    return None


def read_valet_csv(text: str) -> dict[str, list[tuple[date, Decimal]]]:
    """Observations per currency from a Valet CSV (with or without its preamble)."""
    lines = text.lstrip("\ufeff").splitlines()
    start = 0
    for index, line in enumerate(lines):
        if line.strip().strip('"') == "OBSERVATIONS":
            start = index + 1
            break
    reader = csv.reader(lines[start:])
    header = next(reader, None)
    if not header or header[0].strip().lower() != "date":
        raise InvalidFormat(
            "is not a Bank of Canada Valet CSV",
            value=header,
            path="header",
            expected='a "date" column then FX...CAD series',
        )
    columns = [(_series_currency(name.strip()), i) for i, name in enumerate(header) if i > 0]
    found: dict[str, list[tuple[date, Decimal]]] = {c: [] for c, _ in columns if c}
    errors = ErrorCollector("the exchange-rate file has errors")
    for number, row in enumerate(reader, start=start + 2):
        if not row or not row[0].strip():
            continue
        with errors.catch(path=f"line {number}"):
            day = _iso_date(row[0])
            for currency, index in columns:
                if currency and index < len(row) and row[index].strip():
                    found[currency].append((day, parse_rate_text(row[index], path=header[index])))
    errors.raise_if_any()
    return found


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidFormat(value=text, path="date", expected="YYYY-MM-DD") from None


def read_valet_json(data: Mapping[str, Any]) -> dict[str, list[tuple[date, Decimal]]]:
    """Observations per currency from a Valet JSON answer."""
    observations = data.get("observations")
    if not isinstance(observations, list):
        raise InvalidFormat(
            "is not a Valet answer", value=sorted(data), path="observations", expected="a list"
        )
    found: dict[str, list[tuple[date, Decimal]]] = {}
    for index, entry in enumerate(observations):
        day = _iso_date(str(entry.get("d", "")))
        for series, cell in entry.items():
            currency = _series_currency(series)
            if currency and isinstance(cell, dict) and cell.get("v") not in (None, ""):
                rate = parse_rate_text(str(cell["v"]), path=f"observations[{index}].{series}")
                found.setdefault(currency, []).append((day, rate))
    return found


class BankOfCanadaCSV(ObservationTable):
    """Rates from one or more Bank of Canada CSV files (later files win on the same date)."""

    def __init__(
        self,
        *paths: str | Path,
        rule: DateRule | str = DEFAULT_DATE_RULE,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    ) -> None:
        merged: dict[str, dict[date, Decimal]] = {}
        for path in paths:
            for currency, series in read_valet_csv(Path(path).read_text(encoding="utf-8")).items():
                merged.setdefault(currency, {}).update(series)
        names = ", ".join(Path(p).name for p in paths)
        super().__init__(
            {c: list(s.items()) for c, s in merged.items()},
            source=f"Bank of Canada ({names})",
            rule=rule,
            max_age_days=max_age_days,
        )


class ValetSource:
    """Rates from the Bank of Canada Valet API, fetched once per currency and window, then cached.

    ``base_url`` points anywhere that answers in the Valet shape (a mirror, a test server);
    ``transport`` is an httpx transport for tests. Each quote asks for the window from
    ``max_age_days`` before the date to the date itself.
    """

    def __init__(
        self,
        base_url: str = VALET_URL,
        *,
        rule: DateRule | str = DEFAULT_DATE_RULE,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.rule = enum_member(DateRule, rule, path="rule", what="a date rule")
        self.max_age_days = max_age_days
        self.timeout = timeout
        self._transport = transport
        self._cache: dict[tuple[str, date, date], ObservationTable] = {}
        self._client: httpx.Client | None = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            try:
                import httpx  # an optional dependency: carm[http]
            except ImportError:  # pragma: no cover - exercised only without the extra
                raise ServiceError(
                    "the Valet source needs httpx: pip install 'carm[http]'"
                ) from None
            self._client = httpx.Client(timeout=self.timeout, transport=self._transport)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> ValetSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _fetch(self, currency: str, start: date, end: date) -> ObservationTable:
        key = (currency, start, end)
        if key not in self._cache:
            series = f"{_SERIES_PREFIX}{currency}{_SERIES_SUFFIX}"
            url = f"{self.base_url}/observations/{series}/json"
            params = {"start_date": start.isoformat(), "end_date": end.isoformat()}
            observations = read_valet_json(self._get_json(url, params))
            observations.setdefault(currency, [])  # an empty window is "no rate", not "no series"
            self._cache[key] = ObservationTable(
                observations,
                source="Bank of Canada Valet",
                rule=self.rule,
                max_age_days=self.max_age_days,
            )
        return self._cache[key]

    def _get_json(self, url: str, params: Mapping[str, str]) -> Mapping[str, Any]:
        import httpx

        try:
            response = self._http().get(url, params=params)
        except httpx.HTTPError as error:
            raise ServiceError(f"the Valet API could not be reached: {error}", url=url) from None
        if response.status_code == 404:
            raise NotInEffect(
                "the Bank of Canada publishes no such series", value=url, path="currency"
            )
        if response.status_code != 200:
            raise ServiceError(
                "the Valet API answered with an error",
                url=str(response.url),
                status=response.status_code,
            )
        try:
            data = json.loads(response.text)
        except ValueError:
            raise ServiceError(
                "the Valet API answered with something other than JSON", url=url
            ) from None
        if not isinstance(data, dict):
            raise ServiceError("the Valet API answered with an unexpected shape", url=url)
        return data

    def quote(self, currency: str, on: date | None) -> Quote:
        code = currency_code(currency)
        if code == "CAD":
            return cad_quote(on, "Bank of Canada Valet")
        if not isinstance(on, date):
            raise NotInEffect(
                "a dated source needs the date of direct shipment",
                value=on,
                path="on",
                expected="a datetime.date",
            )
        table = self._fetch(code, on - timedelta(days=self.max_age_days), on)
        return table.quote(code, on)

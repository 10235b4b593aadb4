"""A client of the CBSA tariff service (OData v2, JSON), and a sync of its schedule into carm's cache."""

from __future__ import annotations

from datetime import date
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

import httpx

from carm.client._portal import SyncClient
from carm.errors import InvalidFormat
from carm.tariff import Edition, Rate
from carm.tariff._hs import format_code
from carm.tariff._odata import excise_rate_from_fields, rate_from_fields
from carm.tariff._readers import TariffRow, parse_tariff_code
from carm.tariff.editions import store_edition
from carm.tariff.excise_codes import ExciseTaxCode
from carm.tariff.treatments import default_table

__all__ = ["CBSA_TARIFF_SERVICE", "CBSATariffService"]

CBSA_TARIFF_SERVICE: Final = "https://ccapi-ipacc.cbsa-asfc.cloud-nuage.canada.ca/v1/tariff-srv"
"""The CBSA's tariff service, as public client code calls it (`cbsa-carm-facts.md` §5.2)."""


def _dotted(number: str) -> str:
    """A tariff number as the service writes it: 0602.90.90.90."""
    return format_code(parse_tariff_code(number, path="number"))


class CBSATariffService(SyncClient):
    """Classifications, customs duties and excise tax codes as of a date, from the CBSA tariff
    service (or the sandbox's emulation of it), and :meth:`sync` to keep a whole edition in carm's
    cache."""

    def __init__(
        self,
        base_url: str = CBSA_TARIFF_SERVICE,
        *,
        transport: httpx.BaseTransport | None = None,
        **options: Any,
    ) -> None:
        headers = {"Accept": "application/json", "Accept-Language": "EN"}
        super().__init__(base_url, transport=transport, headers=headers, **options)

    def _key(self, number: str, as_of: date) -> str:
        dotted = _dotted(number)
        return f"tariffClassifications(TariffNumber='{dotted}',AsOfDate='{as_of.isoformat()}')"

    def classification(self, number: str, as_of: date) -> dict[str, Any]:
        """The ``tariffClassifications`` entity of a tariff number on a date."""
        return self._execute(self.plan("GET", f"/{self._key(number, as_of)}"), lambda d: d["d"])  # type: ignore[no-any-return]

    def excise_tax(self, number: str, code: str, as_of: date) -> ExciseTaxCode:
        """The ``exciseTaxes`` entity of an excise tax code (``E52``) on a tariff number on a date.

        Its validity dates are left unknown: the reference names the fields it saw, not those.
        """
        dotted = _dotted(number)
        key = (
            f"exciseTaxes(TariffNumber='{dotted}',ExciseTaxCode='{code.strip().upper()}',"
            f"AsOfDate=datetime'{as_of.isoformat()}T00:00:00')"
        )
        entity = self._execute(self.plan("GET", f"/{key}"), lambda d: d["d"])
        return ExciseTaxCode(
            str(entity.get("TariffNumber") or dotted),
            str(entity.get("ExciseTaxCode") or code),
            excise_rate_from_fields(entity),
            description=str(entity.get("Description") or ""),
        )

    def customs_duties(self, number: str, as_of: date) -> dict[str, Rate]:
        """Each treatment's rate (by abbreviation, ``MFN``, ``UST``...) on a tariff number."""
        rows = self._execute(
            self.plan("GET", f"/{self._key(number, as_of)}/to_customsDuties"),
            lambda d: d["d"]["results"],
        )
        return _rates(rows)

    def sync(
        self, as_of: date, *, edition: str, effective: date | None = None, page_size: int = 200
    ) -> Edition:
        """Read every classification in force on ``as_of`` with its duties, and keep them in the
        cache as ``edition`` (effective ``effective``, by default ``as_of``), where
        :func:`carm.tariff.load_schedule` finds it."""
        rows: list[TariffRow] = []
        params: dict[str, str] | None = {
            "AsOfDate": as_of.isoformat(),
            "$top": str(page_size),
            "$skip": "0",
            "$expand": "to_customsDuties",
        }
        while params is not None:
            plan = self.plan("GET", "/tariffClassifications", params=params)
            page = self._execute(plan, lambda d: d["d"])
            rows.extend(_row(entity) for entity in page["results"])
            following = page.get("__next")
            params = dict(parse_qsl(urlsplit(following).query)) if following else None
        if not rows:
            raise InvalidFormat("the service listed no classifications", value=as_of, path="as_of")
        return store_edition(
            rows,
            edition=edition,
            effective=effective or as_of,
            source=f"{self.base_url} as of {as_of.isoformat()}",
        )


def _rates(rows: list[dict[str, Any]]) -> dict[str, Rate]:
    table = default_table()
    return {
        table.treatment(str(row["TariffTreatmentCode"])).abbreviation: rate_from_fields(row)
        for row in rows
    }


def _row(entity: dict[str, Any]) -> TariffRow:
    digits = parse_tariff_code(str(entity["TariffNumber"]), path="TariffNumber")
    rates = _rates(entity.get("to_customsDuties", {}).get("results", []))
    texts = tuple(
        (code, rate.text) for code, rate in sorted(rates.items(), key=lambda item: item[0] != "MFN")
    )
    return TariffRow(
        digits[:8],
        digits[8:],
        str(entity.get("Description", "")),
        str(entity.get("UnitOfMeasureCode") or "") or None,
        texts,
    )

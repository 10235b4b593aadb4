"""An emulation of the CBSA tariff service (OData v2, JSON) from carm's schedule.

``GET /v1/tariff-srv/tariffClassifications(TariffNumber='6109.10.00.11',AsOfDate='2026-10-01')``,
its navigation ``/to_customsDuties``, and the collection
``GET /v1/tariff-srv/tariffClassifications?AsOfDate=2026-10-01&$top=100&$skip=0&$expand=to_customsDuties``
(paged with ``__next``), and
``GET /v1/tariff-srv/exciseTaxes(TariffNumber='0602.90.90.90',ExciseTaxCode='E52',AsOfDate=datetime'2021-05-28T00:00:00')``
from the excise tax codes the sandbox was given. Entity and property names follow
``reference/cbsa-carm-facts.md`` section 5.2; treatments without a CBSA numeric code (CPUKT) and
``N/A`` rates are left out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from carm.errors import CarmError, InvalidFormat
from carm.tariff import Schedule, TariffLine, load_schedule
from carm.tariff._odata import duty_fields, excise_fields
from carm.tariff.excise_codes import ExciseCodes, ExciseTaxCode
from carm.tariff.treatments import default_table

__all__ = ["tariff_service"]

_KEY: Final = re.compile(
    r"^tariffClassifications\(TariffNumber='([^']+)',AsOfDate='([^']+)'\)(/to_customsDuties)?$"
)
_EXCISE_KEY: Final = re.compile(
    r"^exciseTaxes\(TariffNumber='([^']+)',ExciseTaxCode='([^']+)',"
    r"AsOfDate=datetime'(\d{4}-\d\d-\d\d)T00:00:00'\)$"
)
_OPEN_START, _OPEN_END = "1000-01-01", "9999-12-31"


def _excise(code: ExciseTaxCode, as_of: date) -> dict[str, Any]:
    return {
        "TariffNumber": code.tariff_number,
        "ExciseTaxCode": code.code,
        "AsOfDate": f"{as_of.isoformat()}T00:00:00",
        "Description": code.description,
        "InactiveIndicator": False,
        **excise_fields(code.rate),
    }


def _classification(line: TariffLine, schedule: Schedule, as_of: date) -> dict[str, Any]:
    return {
        "TariffNumber": line.code,
        "AsOfDate": as_of.isoformat(),
        "Language": "EN",
        "TariffItemNumber": line.tariff_item,
        "UnitOfMeasureCode": line.uom or "",
        "Description": line.description,
        "TariffNumberValidStartDate": schedule.effective.isoformat(),
        "TariffNumberValidEndDate": _OPEN_END,
        "TariffNumberChangeReason": "T_INITIAL",
        "InactiveIndicator": False,
    }


def _duties(line: TariffLine, schedule: Schedule) -> list[dict[str, Any]]:
    table = default_table()
    found = []
    for abbreviation, rate in line.rates.items():
        code = table.treatments[abbreviation].code if abbreviation in table.treatments else None
        if code is None or not rate.available:
            continue
        found.append({
            "TariffItemNumber": line.tariff_item, "TariffTreatmentCode": code,
            "CustomsDutyValidStartDate": schedule.effective.isoformat(), "CustomsDutyValidEndDate": _OPEN_END,
            **duty_fields(rate),
        })  # fmt: skip
    return found


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": str(status), "message": {"lang": "en", "value": message}}},
        status_code=status,
    )


async def tariff_service(request: Request) -> Response:
    """The OData endpoint (no sign-in, as the CBSA's public service)."""
    rest = request.path_params["rest"]
    try:
        excise = _EXCISE_KEY.match(rest)
        if excise is not None:
            number, code, as_of_text = excise.groups()
            as_of = date.fromisoformat(as_of_text)
            table: ExciseCodes = request.app.state.excise_codes
            return JSONResponse({"d": _excise(table.find(number, code, as_of), as_of)})
        match = _KEY.match(rest)
        if match is not None:
            number, as_of_text, navigation = match.groups()
            as_of = date.fromisoformat(as_of_text)
            schedule = load_schedule(as_of=as_of)
            line = schedule.lookup(number)
            if navigation:
                return JSONResponse({"d": {"results": _duties(line, schedule)}})
            return JSONResponse({"d": _classification(line, schedule, as_of)})
        if rest == "tariffClassifications":
            as_of = date.fromisoformat(request.query_params.get("AsOfDate", ""))
            top = min(int(request.query_params.get("$top", "100")), 1000)
            skip = int(request.query_params.get("$skip", "0"))
            schedule = load_schedule(as_of=as_of)
            lines = list(schedule)[skip : skip + top]
            expand = request.query_params.get("$expand") == "to_customsDuties"
            results = []
            for line in lines:
                entity = _classification(line, schedule, as_of)
                if expand:
                    entity["to_customsDuties"] = {"results": _duties(line, schedule)}
                results.append(entity)
            body: dict[str, Any] = {"results": results}
            if skip + top < len(schedule):
                body["__next"] = (
                    f"tariffClassifications?AsOfDate={as_of.isoformat()}&$top={top}&$skip={skip + top}"
                    + ("&$expand=to_customsDuties" if expand else "")
                )
            return JSONResponse({"d": body})
    except CarmError as error:
        return _error(404, str(error))
    except (ValueError, InvalidFormat) as error:
        return _error(400, str(error))
    return _error(404, f"no such resource: {rest}")

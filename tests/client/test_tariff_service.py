"""The CBSA tariff service client against the sandbox's emulation, on 127.0.0.1."""

import json
from datetime import date
from decimal import Decimal

import pytest

from carm.client import CBSATariffService, NotFoundError
from carm.tariff import available_editions, load_schedule, parse_rate
from carm.tariff._odata import duty_fields, rate_from_fields

from .conftest import Server

ON = date(2026, 10, 1)


def test_classification_and_duties(sandbox: Server) -> None:
    with CBSATariffService(f"{sandbox.url}/v1/tariff-srv") as service:
        entity = service.classification("6109100011", ON)
        assert (
            entity["TariffNumber"],
            entity["TariffItemNumber"],
            entity["UnitOfMeasureCode"],
        ) == ("6109.10.00.11", "6109.10.00", "NMB")
        duties = service.customs_duties("0406.10.20.00", ON)
        assert duties == {
            "MFN": parse_rate("245.5% but not less than $4.52/kg")
        }  # CPUKT N/A is left out
        assert duties["MFN"].duty(Decimal(100), {"KGM": Decimal(100)}) == Decimal("452.00")
        with pytest.raises(NotFoundError):
            service.classification("7701.00.00.00", ON)


def test_sync_an_edition_into_the_cache(sandbox: Server) -> None:
    with CBSATariffService(f"{sandbox.url}/v1/tariff-srv") as service:
        edition = service.sync(ON, edition="T2026-3", effective=date(2026, 10, 2), page_size=250)
    assert edition.name == "T2026-3"
    assert [e.name for e in available_editions()] == ["T2026-2", "T2026-3"]
    synced, bundled = load_schedule(as_of=date(2026, 10, 2)), load_schedule(as_of=ON)
    assert synced.edition == "T2026-3"
    assert len(synced) == len(bundled)
    for code in ("6109.10.00.11", "0406.10.20.00", "1905.90.33.00", "0207.14.91.10"):
        assert synced.lookup(code).rate("MFN") == bundled.lookup(code).rate("MFN")
        assert synced.lookup(code).rate("UST") == bundled.lookup(code).rate("UST")


@pytest.mark.parametrize(
    "text",
    ["Free", "18%", "3.32¢/kg", "$1.45/kg", "8.47¢/kg plus 8.5%", "245.5% but not less than $4.52/kg",
     "1.41¢/kg but not less than 9.5%", "5% but not less than 4.74¢/kg or more than 9.48¢/kg", "0.86¢ each"],
)  # fmt: skip
def test_rates_round_trip_through_the_odata_fields(text: str) -> None:
    rate = parse_rate(text)
    assert rate_from_fields(duty_fields(rate)) == rate


def test_the_cli_syncs_from_a_tariff_service(
    sandbox: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    from carm.cli import main

    url = f"{sandbox.url}/v1/tariff-srv"
    status = main(["tariff", "sync", "--as-of", "2026-10-01", "--edition", "T2026-4",
                   "--effective", "2026-10-03", "--url", url, "--json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert (status, out["edition"], out["effective"], out["bundled"]) == (
        0,
        "T2026-4",
        "2026-10-03",
        False,
    )
    assert load_schedule(as_of=date(2026, 10, 3)).edition == "T2026-4"
    status = main(["tariff", "sync", "--as-of", "2026-10-01", "--edition", "T2026-5",
                   "--url", "http://127.0.0.1:9/v1/tariff-srv"])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1
    assert "could not be reached" in err
    assert "Traceback" not in err

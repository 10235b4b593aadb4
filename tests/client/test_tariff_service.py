"""The CBSA tariff service client against the sandbox's emulation, on 127.0.0.1."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carm.client import CBSATariffService, NotFoundError
from carm.errors import InvalidFormat, ValidationErrors
from carm.tariff import available_editions, load_schedule, parse_rate
from carm.tariff._odata import (
    duty_fields,
    excise_fields,
    excise_rate_from_fields,
    rate_from_fields,
)
from carm.tariff.excise_codes import read_excise_codes

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


# Fixture codes and rates for the HTTP round trip (carm bundles no excise tax codes; these are
# test data, not facts): the reference's example key, a per-unit rate and a percentage.
EXCISE_CSV = """tariff_number,code,rate,valid_from,valid_to,description
0602.90.90.90,E52,$1.50/kg,2021-01-01,2021-12-31,fixture per-kilogram rate
8415.20.00.00,X01,$100 each,2007-03-20,,fixture per-unit rate
9503.00.90.91,X02,10%,2026-01-01,,fixture percentage
"""


def test_excise_tax_codes_from_the_service(sandbox: Server, tmp_path: Path) -> None:
    table_file = tmp_path / "excise.csv"
    table_file.write_text(EXCISE_CSV, encoding="utf-8")
    sandbox.app.state.excise_codes = read_excise_codes(table_file)
    with CBSATariffService(f"{sandbox.url}/v1/tariff-srv") as service:
        e52 = service.excise_tax("0602909090", "e52", date(2021, 5, 28))
        assert (e52.tariff_number, e52.code, e52.rate) == (
            "0602.90.90.90",
            "E52",
            parse_rate("$1.50/kg"),
        )
        assert e52.rate.duty(Decimal(0), {"KGM": Decimal(10)}) == Decimal("15.00")
        assert service.excise_tax("8415.20.00.00", "X01", ON).rate == parse_rate("$100 each")
        assert service.excise_tax("9503.00.90.91", "X02", ON).rate == parse_rate("10%")
        with pytest.raises(NotFoundError, match="not in force on 2022-01-01"):
            service.excise_tax("0602.90.90.90", "E52", date(2022, 1, 1))
        with pytest.raises(NotFoundError, match=r"no excise tax code E99 on 0602\.90\.90\.90"):
            service.excise_tax("0602.90.90.90", "E99", date(2021, 5, 28))


def test_an_excise_table_reports_every_bad_row(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "tariff_number,code,rate,valid_from,valid_to,description\n"
        "0602.90.90.90,E52,$1.50/kg,2021-01-01,,fine\n"
        "06029,E53,10%,2021-01-01,,a short number\n"
        "0602.90.90.90,E54,8.47¢/kg plus 8.5%,2021-01-01,,compound\n"
        "0602.90.90.90,E55,10%,May 2021,,a bad date\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationErrors) as caught:
        read_excise_codes(bad)
    assert [path.split(".")[0] for path in caught.value.paths] == ["line 3", "line 4", "line 5"]
    assert "a percentage or an amount per unit" in str(caught.value)


@pytest.mark.parametrize("text", ["Free", "10%", "$100 each", "1.5¢/kg", "$0.73/litre"])
def test_excise_rates_round_trip_through_the_odata_fields(text: str) -> None:
    rate = parse_rate(text)
    assert excise_rate_from_fields(excise_fields(rate)) == rate


def test_excise_fields_refuse_what_they_cannot_hold() -> None:
    with pytest.raises(InvalidFormat):
        excise_fields(parse_rate("8.47¢/kg plus 8.5%"))
    with pytest.raises(InvalidFormat, match="ExciseTaxRateTypeCode"):
        excise_rate_from_fields({"ExciseTaxRateTypeCode": "9", "ExciseTaxRateValue": "1"})

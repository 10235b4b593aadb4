from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carm.errors import (
    InvalidComponent,
    InvalidFormat,
    NotInEffect,
    ServiceError,
    ValidationErrors,
)
from carm.fx import (
    BankOfCanadaCSV,
    DateRule,
    ExchangeRateSource,
    FixedRates,
    ValetSource,
    read_valet_csv,
)

DATA = Path(__file__).parent / "data"
GROUP_CSV = DATA / "FX_RATES_DAILY-sd-2017-01-03.csv"
USD_CSV = DATA / "FXUSDCAD_2017-2021.csv"


def test_fixed_rates() -> None:
    rates = FixedRates({"usd": Decimal("1.3712"), "EUR": "1.5"})
    quote = rates.quote("USD", date(2026, 10, 15))
    assert quote.rate == Decimal("1.3712")
    assert quote.observed is None
    assert rates.quote("CAD", None).rate == Decimal(1)
    assert isinstance(rates, ExchangeRateSource)
    with pytest.raises(NotInEffect, match="no GBP rate was given") as caught:
        rates.quote("GBP", date(2026, 10, 15))
    assert caught.value.path == "exchange_rates.GBP"


def test_fixed_rates_report_every_bad_entry() -> None:
    with pytest.raises(ValidationErrors) as caught:
        FixedRates({"ZZZ": "1", "USD": 1.37, "EUR": "-2"})
    assert caught.value.paths == (
        "exchange_rates['ZZZ'].currency",
        "exchange_rates['USD'].rate",
        "exchange_rates['EUR'].rate",
    )


def test_group_csv_reads_every_series() -> None:
    observations = read_valet_csv(GROUP_CSV.read_text(encoding="utf-8"))
    assert len(observations) == 26
    assert observations["USD"][0] == (date(2017, 1, 3), Decimal("1.3435"))
    assert len(observations["USD"]) == 1135
    # blanks where a series stopped are skipped, not read as zero
    assert observations["VND"][-1][0] < date(2021, 7, 15)


@pytest.mark.parametrize(
    ("rule", "on", "observed", "rate"),
    [
        # 2017-01-04 is a Wednesday: the latest before is Tuesday's
        (DateRule.LATEST_BEFORE, date(2017, 1, 4), date(2017, 1, 3), "1.3435"),
        (DateRule.ON_OR_BEFORE, date(2017, 1, 4), date(2017, 1, 4), "1.3315"),
        (DateRule.SAME_DAY, date(2017, 1, 4), date(2017, 1, 4), "1.3315"),
        # a Sunday: Friday's rate under both lenient rules
        (DateRule.LATEST_BEFORE, date(2017, 1, 8), date(2017, 1, 6), None),
        (DateRule.ON_OR_BEFORE, date(2017, 1, 8), date(2017, 1, 6), None),
    ],
)
def test_date_rules(rule: DateRule, on: date, observed: date, rate: str | None) -> None:
    source = BankOfCanadaCSV(USD_CSV, rule=rule)
    quote = source.quote("USD", on)
    assert quote.observed == observed
    if rate:
        assert quote.rate == Decimal(rate)
    assert rule.value in quote.explain()


def test_same_day_has_no_weekend_rate() -> None:
    with pytest.raises(NotInEffect, match="no USD rate for 2017-01-08 \\(same-day"):
        BankOfCanadaCSV(USD_CSV, rule="same-day").quote("USD", date(2017, 1, 8))


def test_no_silent_fallback_past_the_maximum_age() -> None:
    source = BankOfCanadaCSV(GROUP_CSV)
    with pytest.raises(NotInEffect) as caught:
        source.quote("USD", date(2026, 10, 15))
    assert "its rates run 2017-01-03 to 2021-07-15" in str(caught.value)
    assert caught.value.path == "exchange_rates.USD"
    with pytest.raises(NotInEffect, match=r"has no ISK rates"):
        source.quote("ISK", date(2020, 1, 6))


def test_bad_inputs() -> None:
    with pytest.raises(InvalidComponent, match="is not a date rule"):
        BankOfCanadaCSV(USD_CSV, rule="tomorrow")
    with pytest.raises(InvalidComponent, match="is not a known currency"):
        BankOfCanadaCSV(USD_CSV).quote("ZZZ", date(2020, 1, 6))
    with pytest.raises(InvalidFormat, match="not a Bank of Canada Valet CSV"):
        read_valet_csv("currency,rate\nUSD,1.3\n")
    with pytest.raises(ValidationErrors) as caught:
        read_valet_csv("date,FXUSDCAD\n2020-01-02,1.3\n2020-13-01,1.3\n2020-01-04,abc\n")
    assert caught.value.paths == ("line 3.date", "line 4.FXUSDCAD")


def test_valet_api_against_a_local_server(valet_server: str, valet_requests: list[str]) -> None:
    with ValetSource(valet_server) as source:
        quote = source.quote("USD", date(2020, 1, 6))  # a Monday: Friday 2020-01-03's rate
        assert quote.rate == Decimal("1.2988")
        assert quote.observed == date(2020, 1, 3)
        assert quote.source == "Bank of Canada Valet"
        again = source.quote("usd", date(2020, 1, 6))
        assert again == quote
    assert valet_requests == [
        "/valet/observations/FXUSDCAD/json?start_date=2019-12-30&end_date=2020-01-06"
    ]


def test_valet_errors(valet_server: str) -> None:
    with ValetSource(valet_server) as source:
        with pytest.raises(NotInEffect, match="publishes no such series"):
            source.quote("EUR", date(2020, 1, 6))
        with pytest.raises(NotInEffect, match="no USD rate for 2021-03-01"):
            source.quote("USD", date(2021, 3, 1))
    broken = ValetSource(valet_server.replace("/valet", "/valet/broken"))
    with broken, pytest.raises(ServiceError) as caught:
        broken.quote("USD", date(2020, 1, 6))
    assert caught.value.status == 500
    garbage = ValetSource(valet_server.replace("/valet", "/valet/garbage"))
    with garbage, pytest.raises(ServiceError, match="other than JSON"):
        garbage.quote("USD", date(2020, 1, 6))
    unreachable = ValetSource("http://127.0.0.1:9/valet", timeout=2)
    with unreachable, pytest.raises(ServiceError, match="could not be reached"):
        unreachable.quote("USD", date(2020, 1, 6))

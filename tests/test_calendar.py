from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.calendar import (
    DUE_DATE_RULES,
    BillingCycle,
    BusinessCalendar,
    PublishedDueDates,
    billing_period,
)
from carm.errors import InvalidComponent, InvalidFormat, InvalidType

FEDERAL_2026 = {
    date(2026, 1, 1),
    date(2026, 4, 3),  # Good Friday
    date(2026, 5, 18),  # Victoria Day
    date(2026, 7, 1),
    date(2026, 9, 7),  # Labour Day
    date(2026, 9, 30),  # National Day for Truth and Reconciliation
    date(2026, 10, 12),  # Thanksgiving
    date(2026, 11, 11),
    date(2026, 12, 25),
    date(2026, 12, 26),
    date(2026, 12, 28),  # Boxing Day observed (the 26th is a Saturday)
}

release_dates = st.dates(min_value=date(2016, 1, 1), max_value=date(2035, 12, 31))


def test_federal_holidays_2026() -> None:
    assert set(BusinessCalendar().holidays(2026)) == FEDERAL_2026


def test_province_adds_its_holidays() -> None:
    quebec = BusinessCalendar("qc")
    assert quebec.province == "QC"
    assert not quebec.is_business_day(date(2026, 6, 24))
    assert BusinessCalendar().is_business_day(date(2026, 6, 24))
    ontario = BusinessCalendar("ON")
    assert not ontario.is_business_day(date(2026, 2, 16))  # Family Day
    assert BusinessCalendar().is_business_day(date(2026, 2, 16))


def test_bad_province() -> None:
    with pytest.raises(InvalidComponent, match="is not a Canadian province or territory") as caught:
        BusinessCalendar("ZZ")
    assert caught.value.path == "province"
    with pytest.raises(InvalidType):
        BusinessCalendar(5)  # type: ignore[arg-type]


def test_weekends_and_stepping() -> None:
    cal = BusinessCalendar()
    assert not cal.is_business_day(date(2026, 3, 21))  # Saturday
    assert cal.next_business_day(date(2026, 3, 20)) == date(2026, 3, 23)
    assert cal.next_business_day(date(2026, 3, 20), inclusive=True) == date(2026, 3, 20)
    assert cal.previous_business_day(date(2026, 3, 23)) == date(2026, 3, 20)
    assert cal.previous_business_day(date(2026, 4, 6)) == date(2026, 4, 2)  # over Good Friday
    assert cal.add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert cal.add_business_days(date(2026, 12, 29), -1) == date(2026, 12, 24)
    assert cal.add_business_days(date(2026, 3, 21), 0) == date(2026, 3, 21)
    assert cal.business_days_between(date(2026, 3, 31), date(2026, 3, 17)) == -10


def test_dates_only() -> None:
    with pytest.raises(InvalidType) as caught:
        BusinessCalendar().is_business_day(datetime(2026, 3, 2, 12))  # noqa: DTZ001
    assert caught.value.path == "day"
    with pytest.raises(InvalidType):
        billing_period("2026-03-02")  # type: ignore[arg-type]
    with pytest.raises(InvalidType):
        BusinessCalendar().add_business_days(date(2026, 3, 2), 1.5)  # type: ignore[arg-type]


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(-40, 40))
def test_adding_business_days_counts_them(start: date, count: int) -> None:
    cal = BusinessCalendar()
    end = cal.add_business_days(start, count)
    assert cal.business_days_between(start, end) == count
    if count:
        assert cal.is_business_day(end)


@pytest.mark.parametrize(
    ("released", "start", "end", "statement", "due"),
    [
        (
            date(2026, 3, 2),
            date(2026, 2, 18),
            date(2026, 3, 17),
            date(2026, 3, 25),
            date(2026, 3, 31),
        ),
        (
            date(2026, 3, 17),
            date(2026, 2, 18),
            date(2026, 3, 17),
            date(2026, 3, 25),
            date(2026, 3, 31),
        ),
        (
            date(2026, 3, 18),
            date(2026, 3, 18),
            date(2026, 4, 17),
            date(2026, 4, 25),
            date(2026, 5, 1),
        ),
        (
            date(2026, 1, 5),
            date(2025, 12, 18),
            date(2026, 1, 17),
            date(2026, 1, 25),
            date(2026, 1, 30),
        ),
        # 17 Dec 2026 + 10 business days skips Christmas, Boxing Day observed and New Year's Day
        (
            date(2026, 12, 1),
            date(2026, 11, 18),
            date(2026, 12, 17),
            date(2026, 12, 25),
            date(2027, 1, 5),
        ),
    ],
)
def test_commercial_billing_period(
    released: date, start: date, end: date, statement: date, due: date
) -> None:
    period = billing_period(released)
    assert (period.start, period.end, period.statement_date, period.due_date) == (
        start,
        end,
        statement,
        due,
    )
    assert released in period
    assert period.cycle is BillingCycle.COMMERCIAL
    assert period.label == f"{statement:%Y-%m}"


@pytest.mark.parametrize(
    ("rule", "due"),
    [
        ("ten-business-days-after-17th", date(2027, 1, 29)),
        ("last-day-of-month", date(2027, 2, 1)),  # 31 Jan 2027 is a Sunday
        ("last-business-day-of-month", date(2027, 1, 29)),
    ],
)
def test_due_date_rules(rule: str, due: date) -> None:
    assert billing_period(date(2026, 12, 20), due_date_rule=rule).due_date == due


def test_rules_differ_in_some_months() -> None:
    released = date(2026, 10, 20)  # statement 25 Nov 2026
    dues = {rule: billing_period(released, due_date_rule=rule).due_date for rule in DUE_DATE_RULES}
    assert dues == {
        "ten-business-days-after-17th": date(2026, 12, 1),
        "last-day-of-month": date(2026, 11, 30),
        "last-business-day-of-month": date(2026, 11, 30),
    }


def test_published_table_wins_over_the_rule() -> None:
    # CBSA payments page, 2021 deferral table: February 28 was deferred to March 3.
    # No holiday explains that one, hence the table.
    rule = PublishedDueDates({(2021, 2): date(2021, 3, 3)}, fallback="last-day-of-month")
    assert billing_period(date(2021, 2, 1), due_date_rule=rule).due_date == date(2021, 3, 3)
    # Months the table does not list use the fallback: 31 Jan 2021 (a Sunday) -> 1 Feb.
    assert billing_period(date(2021, 1, 1), due_date_rule=rule).due_date == date(2021, 2, 1)


def test_extra_holidays_move_due_dates() -> None:
    # The 2021 table deferred 31 July (a Saturday) past the Civic Holiday, to 3 August.
    civic = BusinessCalendar(extra_holidays={date(2021, 8, 2): "Civic Holiday"})
    assert civic.holiday_name(date(2021, 8, 2)) == "Civic Holiday"
    period = billing_period(date(2021, 7, 1), due_date_rule="last-day-of-month", calendar=civic)
    assert period.due_date == date(2021, 8, 3)
    assert billing_period(date(2021, 7, 1), due_date_rule="last-day-of-month").due_date == date(
        2021, 8, 2
    )


def test_a_function_can_be_the_rule() -> None:
    period = billing_period(date(2026, 3, 2), due_date_rule=lambda stmt, cal: stmt)
    assert period.due_date == date(2026, 3, 25)


def test_bad_rule_and_cycle() -> None:
    with pytest.raises(InvalidComponent, match="is not a due-date rule") as caught:
        billing_period(date(2026, 3, 2), due_date_rule="whenever")
    assert caught.value.path == "due_date_rule"
    with pytest.raises(InvalidComponent, match="is not a billing cycle"):
        billing_period(date(2026, 3, 2), cycle="weekly")
    with pytest.raises(InvalidFormat, match="did not return a date"):
        billing_period(date(2026, 3, 2), due_date_rule=lambda stmt, cal: "soon")  # type: ignore[arg-type,return-value]


def test_calendar_month_cycle() -> None:
    period = billing_period(date(2026, 2, 18), cycle="calendar-month")
    assert (period.start, period.end, period.statement_date) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        date(2026, 3, 25),
    )
    assert period.due_date == billing_period(date(2026, 3, 2)).due_date


@given(release_dates, st.sampled_from(list(BillingCycle)))
def test_every_release_date_falls_in_its_period(released: date, cycle: BillingCycle) -> None:
    period = billing_period(released, cycle=cycle)
    assert period.start <= released <= period.end
    assert period.statement_date.day == 25
    assert period.end < period.statement_date <= period.due_date
    # periods tile the timeline: the next one starts the day after this one ends
    following = billing_period(period.end + timedelta(days=1), cycle=cycle)
    assert following.start == period.end + timedelta(days=1)
    assert following.statement_date > period.statement_date
    assert BusinessCalendar().is_business_day(period.due_date)

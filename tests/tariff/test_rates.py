from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.errors import CarmError, InvalidComponent, InvalidFormat, MissingQuantity
from carm.money import HALF_UP_CENT
from carm.tariff import (
    AdValorem,
    Bounded,
    Compound,
    Free,
    NotAvailable,
    Rate,
    Specific,
    parse_preferential,
    parse_rate,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("Free", Free()),
        ("free", Free()),
        ("N/A", NotAvailable()),
        ("18%", AdValorem(D("18"))),
        ("6.5 %", AdValorem(D("6.5"))),
        ("13.5%/pair", AdValorem(D("13.5"))),
        ("3.32¢/kg", Specific(D("3.32"), "KGM", cents=True)),
        ("1.87¢/litre", Specific(D("1.87"), "LTR", cents=True)),
        ("0.86¢each", Specific(D("0.86"), "NMB", cents=True)),
        ("30.8¢ each", Specific(D("30.8"), "NMB", cents=True)),
        ("$1.45/kg", Specific(D("1.45"), "KGM")),
        ("$34.50/hl", Specific(D("34.50"), "HLT")),
        ("$20.57/tonne", Specific(D("20.57"), "TNE")),
        ("$12.36/litre of absolute ethyl alcohol", Specific(D("12.36"), "LPA")),
        ("5¢/dozen", Specific(D("5"), "DZN", cents=True)),
        ("2.5¢/m²", Specific(D("2.5"), "MTK", cents=True)),
        ("8.47¢/kg plus 8.5%", Compound((Specific(D("8.47"), "KGM", True), AdValorem(D("8.5"))))),
        ("4% + $1/kg", Compound((AdValorem(D("4")), Specific(D("1"), "KGM")))),
        (
            "245.5% but not less than $4.52/kg",
            Bounded(AdValorem(D("245.5")), floor=Specific(D("4.52"), "KGM")),
        ),
        (
            "1.41¢/kg but not less than 9.5%",
            Bounded(Specific(D("1.41"), "KGM", True), floor=AdValorem(D("9.5"))),
        ),
        ("10% but not more than $2/kg", Bounded(AdValorem(D("10")), cap=Specific(D("2"), "KGM"))),
        (
            "5% but not less than 4.74¢/kg or more than 9.48¢/kg",
            Bounded(
                AdValorem(D("5")),
                floor=Specific(D("4.74"), "KGM", True),
                cap=Specific(D("9.48"), "KGM", True),
            ),
        ),
    ],
)
def test_parse(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate
    assert parse_rate(rate.text) == rate


@pytest.mark.parametrize(
    "text", ["", "   ", "2 bushels", "5%%", "$/kg", "4 plus", "5¢/furlong", "5% but not less than"]
)
def test_unknown_forms_raise_quoting_the_text(text: str) -> None:
    with pytest.raises(InvalidFormat) as caught:
        parse_rate(text)
    assert caught.value.value == text
    assert caught.value.path == "rate"


def test_two_floors_are_refused() -> None:
    with pytest.raises(InvalidFormat, match="two minimums"):
        parse_rate("5% but not less than 1¢/kg or less than 2¢/kg")


def test_issue_example() -> None:
    rate = parse_rate("245.5% but not less than $4.52/kg")
    assert rate.duty(value_for_duty=D("100.00"), quantities={"KGM": D("100")}) == D("452.00")
    assert rate.duty(value_for_duty=D("1000.00"), quantities={"KGM": D("100")}) == D("2455.00")


def test_exact_amounts() -> None:
    assert parse_rate("18%").duty(D("1200.00")) == D("216.00")
    assert parse_rate("3.32¢/kg").duty(quantities={"KGM": D("1234.5")}) == D("40.98540")
    assert parse_rate("3.32¢/kg").duty(quantities={"KGM": D("1234.5")}, rounding=HALF_UP_CENT) == D(
        "40.99"
    )
    assert parse_rate("8.47¢/kg plus 8.5%").duty(D("200"), {"kg": D("10")}) == D("17.847")
    clamp = parse_rate("5% but not less than 4.74¢/kg or more than 9.48¢/kg")
    assert clamp.duty(D("100"), {"KGM": D("100")}) == D("5.00")  # 5% of 100, within bounds
    assert clamp.duty(D("10"), {"KGM": D("100")}) == D("4.74")  # the floor
    assert clamp.duty(D("1000"), {"KGM": D("100")}) == D("9.48")  # the cap


def test_exact_unit_conversions() -> None:
    per_kg = parse_rate("$2/kg")
    assert per_kg.duty(quantities={"GRM": D("1500")}) == D("3.000")
    assert per_kg.duty(quantities={"TNE": D("2")}) == D("4000")
    per_litre = parse_rate("10¢/litre")
    assert per_litre.duty(quantities={"MLT": D("750")}) == D("0.075000")
    assert parse_rate("$34.50/hl").duty(quantities={"LTR": D("200")}) == D("69.0000")
    each = parse_rate("$1.20/dozen")
    assert each.duty(quantities={"NMB": D("30")}) == D("3")
    assert parse_rate("1¢ each").duty(quantities={"DZN": D("2")}) == D("0.24")


def test_missing_quantity_names_the_unit() -> None:
    with pytest.raises(MissingQuantity) as caught:
        parse_rate("245.5% but not less than $4.52/kg").duty(D("100"))
    assert caught.value.path == "quantities.KGM"
    assert "needs a quantity in KGM (kilogram)" in str(caught.value)
    assert "GRM" in str(caught.value)


def test_not_available_cannot_be_evaluated() -> None:
    rate = parse_rate("N/A")
    assert not rate.available
    with pytest.raises(InvalidComponent, match="N/A"):
        rate.duty(D("1"))


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(InvalidFormat, match="must not be negative") as caught:
        parse_rate("5%").duty(D("-1"))
    assert caught.value.path == "value_for_duty"
    with pytest.raises(InvalidFormat) as caught:
        parse_rate("5¢/kg").duty(quantities={"KGM": D("-1")})
    assert caught.value.path == "quantities.KGM"
    with pytest.raises(InvalidComponent):
        parse_rate("5¢/kg").duty(quantities={"furlongs": D("1")})


def test_units_needed() -> None:
    assert parse_rate("5% but not less than 4.74¢/kg or more than 9.48¢/litre").units == {
        "KGM",
        "LTR",
    }
    assert parse_rate("Free").units == frozenset()


def test_explanations_say_which_branch_won() -> None:
    floor = parse_rate("245.5% but not less than $4.52/kg")
    text = floor.explain(D("1000.00"), {"KGM": D("100")})
    assert text.splitlines() == [
        "245.5% but not less than $4.52/kg = 2455.000 (the minimum does not apply: 2455.000 ≥ 452.00)",
        "  245.5% of 1000.00 = 2455.000",
        "  $4.52/kg × 100 kg = 452.00",
    ]
    cap = parse_rate("10% but not more than $2/kg").explain(D("100"), {"KGM": D("3")})
    assert (
        cap.splitlines()[0]
        == "10% but not more than $2/kg = 6.00 (the maximum applies: 6.00 < 10.00)"
    )
    compound = parse_rate("8.47¢/kg plus 8.5%").explain(D("200"), {"KGM": D("10")})
    assert compound.splitlines()[0] == "8.47¢/kg plus 8.5%: 0.8470 + 17.00 = 17.8470"


def test_preferential_column() -> None:
    rates = parse_preferential(
        "CCCT, LDCT, UST, MXT: Free AUT 13.5%, NZT 13.5%, CPTPT 13.5%/pair, CPUKT 1.54¢/kg"
    )
    assert {code: rate.text for code, rate in rates.items()} == {
        "CCCT": "Free",
        "LDCT": "Free",
        "UST": "Free",
        "MXT": "Free",
        "AUT": "13.5%",
        "NZT": "13.5%",
        "CPTPT": "13.5%",
        "CPUKT": "1.54¢/kg",
    }
    assert parse_preferential("CPUKT N/A") == {"CPUKT": NotAvailable()}
    assert parse_preferential("") == {}
    assert parse_preferential("UST, MXT: Free, CPUKT N/A") == {
        "UST": Free(),
        "MXT": Free(),
        "CPUKT": NotAvailable(),
    }


@pytest.mark.parametrize("text", ["Free", "UST: 2 bushels", "UST: Free UST 5%", "ust: Free"])
def test_bad_preferential_text(text: str) -> None:
    with pytest.raises(InvalidFormat) as caught:
        parse_preferential(text)
    assert caught.value.path == "preferential_tariffs"


# --- properties ------------------------------------------------------------------------------------

numbers = st.decimals(min_value=D("0"), max_value=D("100000"), places=2)
percents = st.decimals(min_value=D("0"), max_value=D("400"), places=2)
units = st.sampled_from(["KGM", "LTR", "NMB", "HLT", "TNE", "DZN", "MTK", "LPA", "PAR"])
terms = st.one_of(
    st.builds(AdValorem, percents),
    st.builds(Specific, numbers, units, st.booleans()),
    st.just(Free()),
)
sums = st.one_of(terms, st.lists(terms, min_size=2, max_size=3).map(lambda p: Compound(tuple(p))))
rates = st.one_of(
    sums,
    st.builds(Bounded, sums, floor=sums),
    st.builds(Bounded, sums, cap=sums),
    st.builds(Bounded, sums, floor=sums, cap=sums),
)
all_quantities = st.fixed_dictionaries(
    dict.fromkeys(["KGM", "LTR", "NMB", "HLT", "TNE", "DZN", "MTK", "LPA", "PAR"], numbers)
)


@given(rates)
def test_text_parses_back_to_an_equal_rate(rate: Rate) -> None:
    assert parse_rate(rate.text) == rate


@given(rates, numbers, all_quantities)
def test_duty_is_never_negative(rate: Rate, value: Decimal, quantities: dict[str, Decimal]) -> None:
    assert rate.duty(value, quantities) >= 0


@given(sums, sums, numbers, all_quantities)
def test_a_floor_never_gives_less_than_either_side(
    base: Rate, floor: Rate, value: Decimal, quantities: dict[str, Decimal]
) -> None:
    duty = Bounded(base, floor=floor).duty(value, quantities)
    assert duty >= base.duty(value, quantities)
    assert duty >= floor.duty(value, quantities)
    assert duty in (base.duty(value, quantities), floor.duty(value, quantities))


@given(sums, sums, numbers, all_quantities)
def test_a_cap_never_gives_more_than_either_side(
    base: Rate, cap: Rate, value: Decimal, quantities: dict[str, Decimal]
) -> None:
    duty = Bounded(base, cap=cap).duty(value, quantities)
    assert duty <= base.duty(value, quantities)
    assert duty <= cap.duty(value, quantities)


@given(st.text(max_size=40))
def test_arbitrary_text_raises_only_carm_errors(text: str) -> None:
    for parse in (parse_rate, parse_preferential):
        try:
            result = parse(text)
        except CarmError:
            continue
        assert isinstance(result, Rate | dict)


@given(rates, numbers, all_quantities)
def test_the_fast_path_agrees_with_the_explanation(
    rate: Rate, value: Decimal, quantities: dict[str, Decimal]
) -> None:
    assert rate.duty(value, quantities) == rate.evaluate(value, quantities).amount
    # the same quantities spelled another way take the checked path and give the same duty
    spelled = {code.lower(): str(amount) for code, amount in quantities.items()}
    assert rate.duty(str(value), spelled) == rate.duty(value, quantities)


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=300, places=3, allow_nan=False, allow_infinity=False),
)
def test_the_engines_ad_valorem_duty_is_the_duty(value: Decimal, percent: Decimal) -> None:
    rate = parse_rate(f"{percent}%")
    assert rate.unchecked_duty(value, {}) == rate.duty(value)
    assert HALF_UP_CENT.round(rate.unchecked_duty(value, {})) == rate.duty(
        value, rounding=HALF_UP_CENT
    )

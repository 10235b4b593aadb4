from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.errors import CarmError, CurrencyMismatch, InvalidComponent, InvalidFormat, InvalidType
from carm.money import (
    DEFAULT_ROUNDING,
    HALF_EVEN_CENT,
    HALF_UP_CENT,
    Money,
    RoundingPolicy,
    format_money,
    round_amount,
    to_decimal,
)

amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False
)


def test_construction_normalises_currency_and_keeps_decimals() -> None:
    money = Money("1234.5000", "cad")
    assert money.amount == Decimal("1234.5000")
    assert str(money.amount) == "1234.5000"
    assert money.currency == "CAD"
    assert repr(money) == "Money('1234.5000', 'CAD')"
    assert str(money) == "1234.5000 CAD"


def test_default_currency_is_cad() -> None:
    assert Money(5).currency == "CAD"


def test_float_is_rejected_with_a_clear_error() -> None:
    with pytest.raises(InvalidType) as caught:
        Money(0.1, "CAD")  # type: ignore[arg-type]
    assert caught.value.path == "amount"
    assert caught.value.value == 0.1
    assert "float cannot hold money exactly" in str(caught.value)
    assert "Decimal('0.1')" in str(caught.value)


@pytest.mark.parametrize("bad", ["", "abc", "1,5", "1.2.3", "NaN", "Infinity", "-inf"])
def test_non_numbers_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidFormat) as caught:
        Money(bad, "CAD")
    assert caught.value.value == bad
    assert caught.value.path == "amount"


@pytest.mark.parametrize("bad", [True, None, [1], Decimal("NaN")])
def test_other_types_are_rejected(bad: object) -> None:
    with pytest.raises(InvalidFormat):
        to_decimal(bad)


@pytest.mark.parametrize(
    ("code", "kind"),
    [("CA", InvalidFormat), ("C4D", InvalidFormat), ("XXY", InvalidComponent), (7, InvalidType)],
)
def test_bad_currencies_are_rejected(code: object, kind: type[Exception]) -> None:
    with pytest.raises(kind) as caught:
        Money("1", code)  # type: ignore[arg-type]
    assert caught.value.path == "currency"  # type: ignore[attr-defined]


def test_arithmetic_in_one_currency() -> None:
    a, b = Money("10.10", "CAD"), Money("0.05", "CAD")
    assert a + b == Money("10.15", "CAD")
    assert a - b == Money("10.05", "CAD")
    assert a * 3 == Money("30.30", "CAD")
    assert 2 * a == Money("20.20", "CAD")
    assert a * Decimal("0.05") == Money("0.5050", "CAD")
    assert a / 4 == Money("2.525", "CAD")
    assert -a == Money("-10.10", "CAD")
    assert abs(-a) == a
    assert sum([a, b]) == Money("10.15", "CAD")
    assert b < a
    assert a >= a
    assert not Money.zero()


def test_mixed_currencies_are_refused() -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        Money("1", "CAD") + Money("1", "USD")
    assert caught.value.value == "USD"
    assert caught.value.expected == "CAD"
    with pytest.raises(CurrencyMismatch):
        assert Money("1", "CAD") < Money("1", "USD")
    assert Money("1", "CAD") != Money("1", "USD")


def test_money_with_plain_numbers_is_refused() -> None:
    with pytest.raises(InvalidType):
        Money("1", "CAD") + 1  # type: ignore[operator]
    with pytest.raises(InvalidType):
        Money("1", "CAD") * 0.5  # type: ignore[operator]
    with pytest.raises(InvalidFormat, match="cannot divide by zero"):
        Money("1", "CAD") / 0


@pytest.mark.parametrize(
    ("amount", "half_up", "half_even"),
    [
        ("2.345", "2.35", "2.34"),
        ("2.355", "2.36", "2.36"),
        ("-2.345", "-2.35", "-2.34"),
        ("0.005", "0.01", "0.00"),
        ("10", "10.00", "10.00"),
    ],
)
def test_rounding_policies(amount: str, half_up: str, half_even: str) -> None:
    assert str(round_amount(amount)) == half_up
    assert str(round_amount(amount, HALF_EVEN_CENT)) == half_even
    assert Money(amount).round() == Money(half_up)
    assert DEFAULT_ROUNDING is HALF_UP_CENT


def test_custom_policy() -> None:
    to_dollar = RoundingPolicy("half-up to the dollar", Decimal(1))
    assert round_amount("2.5", to_dollar) == Decimal(3)


@given(amounts)
def test_rounding_moves_less_than_half_a_cent(amount: Decimal) -> None:
    rounded = round_amount(amount)
    assert abs(rounded - amount) <= Decimal("0.005")
    assert rounded == rounded.quantize(Decimal("0.01"))
    assert round_amount(rounded) == rounded


@given(amounts, amounts)
def test_addition_is_exact_and_reversible(a: Decimal, b: Decimal) -> None:
    total = Money(a) + Money(b)
    assert total.amount == a + b
    assert total - Money(b) == Money(a)


@given(amounts)
def test_rounding_is_symmetric_about_zero(amount: Decimal) -> None:
    assert round_amount(-amount) == -round_amount(amount)


@pytest.mark.parametrize(
    ("money", "locale", "text"),
    [
        (Money("1234.5", "CAD"), "en_CA", "$1,234.50"),
        (Money("1234.5", "CAD"), "fr_CA", "1\xa0234,50\xa0$"),
        (Money("-0.005", "CAD"), "en_CA", "-$0.01"),
        (Money("1234.5", "USD"), "en_CA", "US$1,234.50"),
        (Money("1234.5", "USD"), "fr_CA", "1\xa0234,50\xa0$\xa0US"),
        (Money("1234.5", "CAD"), "fr-CA", "1\xa0234,50\xa0$"),
    ],
)
def test_format_money(money: Money, locale: str, text: str) -> None:
    assert format_money(money, locale=locale) == text


@pytest.mark.parametrize("locale", ["xx_YY", "", "en_ZZ_QQ"])
def test_format_money_unknown_locale(locale: str) -> None:
    with pytest.raises(InvalidComponent) as caught:
        format_money(Money("1"), locale=locale)
    assert caught.value.path == "locale"
    assert caught.value.value == locale


def test_format_money_needs_money() -> None:
    with pytest.raises(InvalidType):
        format_money(Decimal(1))  # type: ignore[arg-type]


@given(st.one_of(st.text(), st.floats(), st.integers(), st.none(), st.booleans()))
def test_to_decimal_raises_only_carm_errors(value: object) -> None:
    try:
        result = to_decimal(value)
    except CarmError:
        return
    assert isinstance(result, Decimal)
    assert result.is_finite()

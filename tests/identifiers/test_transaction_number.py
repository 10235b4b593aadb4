import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.errors import CarmError, InvalidChecksum, InvalidFormat, InvalidLength, InvalidType
from carm.identifiers import transaction_number as txn


def test_make_and_validate() -> None:
    number = txn.make(account_security="12345", sequence=42)
    assert number == "12345000000421"
    assert txn.validate(number) == number
    assert txn.format(number) == "12345-00000042-1"
    assert txn.account_security(number) == "12345"
    assert txn.sequence(number) == 42
    assert txn.compact("12345-00000042-1") == number


def test_the_default_algorithm_matches_the_reference_example() -> None:
    # reference/cbsa-carm-facts.md 2.1: 1234512345678 gives 5 under the open-source algorithm.
    assert txn.weighted_digit_sum("1234512345678") == "5"
    assert txn.DEFAULT_CHECK_DIGIT == "weighted-digit-sum"


def test_luhn_is_selectable() -> None:
    assert txn.make(account_security="12345", sequence=42, check_digit="luhn") == "12345000000427"
    assert txn.is_valid("12345000000427", check_digit="luhn")
    assert not txn.is_valid("12345000000427")


def test_a_custom_algorithm_can_be_plugged_in() -> None:
    def always_zero(digits: str) -> str:
        return "0"

    assert txn.make(account_security="00001", sequence=1, check_digit=always_zero) == (
        "00001000000010"
    )
    with pytest.raises(InvalidChecksum, match=r"expected 0 as the last digit \(always_zero\)"):
        txn.validate("00001000000011", check_digit=always_zero)


def test_unknown_algorithm_name() -> None:
    with pytest.raises(InvalidType, match="is not a check-digit algorithm") as caught:
        txn.validate("12345000000421", check_digit="mod97")
    assert caught.value.path == "check_digit"
    with pytest.raises(InvalidType):
        txn.is_valid("12345000000421", check_digit="mod97")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1234500000042", InvalidLength),
        ("123450000004211", InvalidLength),
        ("1234500000042A", InvalidFormat),
        ("12345000000422", InvalidChecksum),
        ("", InvalidFormat),
    ],
)
def test_invalid(text: str, kind: type[Exception]) -> None:
    with pytest.raises(kind) as caught:
        txn.validate(text)
    assert caught.value.value == text  # type: ignore[attr-defined]
    assert caught.value.path == "transaction_number"  # type: ignore[attr-defined]
    assert not txn.is_valid(text)


@pytest.mark.parametrize(
    ("kwargs", "kind", "path"),
    [
        ({"account_security": "1234", "sequence": 1}, InvalidLength, "account_security"),
        ({"account_security": "12a45", "sequence": 1}, InvalidFormat, "account_security"),
        ({"account_security": "12345", "sequence": -1}, InvalidLength, "sequence"),
        ({"account_security": "12345", "sequence": 10**8}, InvalidLength, "sequence"),
        ({"account_security": "12345", "sequence": "1"}, InvalidType, "sequence"),
        ({"account_security": "12345", "sequence": True}, InvalidType, "sequence"),
        ({"account_security": 12345, "sequence": 1}, InvalidType, "account_security"),
    ],
)
def test_make_rejects_bad_parts(
    kwargs: dict[str, object], kind: type[Exception], path: str
) -> None:
    with pytest.raises(kind) as caught:
        txn.make(**kwargs)  # type: ignore[arg-type]
    assert caught.value.path == path  # type: ignore[attr-defined]


@given(
    st.text(alphabet="0123456789", min_size=5, max_size=5),
    st.integers(min_value=0, max_value=99_999_999),
    st.sampled_from(list(txn.CHECK_DIGIT_ALGORITHMS)),
)
def test_make_validate_round_trip(asec: str, sequence: int, algorithm: str) -> None:
    number = txn.make(account_security=asec, sequence=sequence, check_digit=algorithm)
    assert len(number) == 14
    assert txn.validate(number, check_digit=algorithm) == number
    assert txn.sequence(number, check_digit=algorithm) == sequence
    assert txn.account_security(number, check_digit=algorithm) == asec


@given(
    st.text(alphabet="0123456789", min_size=13, max_size=13),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=1, max_value=9),
)
def test_default_algorithm_catches_any_single_digit_change(
    body: str, position: int, shift: int
) -> None:
    number = body + txn.calc_check_digit(body)
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    with pytest.raises(InvalidChecksum):
        txn.validate(changed)


@given(st.one_of(st.text(), st.text(alphabet="0123456789- ", max_size=20)))
def test_arbitrary_strings_raise_only_carm_errors(text: str) -> None:
    try:
        txn.validate(text)
    except CarmError:
        assert not txn.is_valid(text)
        return
    assert txn.is_valid(text)

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.errors import (
    CarmError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidType,
)
from carm.identifiers import bn


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("123026635", "123026635"),
        ("123026635RM0001", "123026635RM0001"),
        ("12302 6635 RC 0001", "123026635RC0001"),
        ("123026635-rm-0001", "123026635RM0001"),
        (" 123456782rm0001 ", "123456782RM0001"),
        ("123.026.635", "123026635"),
    ],
)
def test_valid_numbers(text: str, compact: str) -> None:
    assert bn.validate(text) == compact
    assert bn.is_valid(text)
    assert bn.compact(text) == compact


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("123456789", InvalidChecksum, "expected 2 as the 9th digit"),
        ("12302663", InvalidLength, "expected 9 digits (BN9) or 15 characters (BN15)"),
        ("1230266350", InvalidLength, "expected 9 digits (BN9) or 15 characters (BN15)"),
        ("12302663A", InvalidFormat, "business number must be digits"),
        ("123026635XX0001", InvalidComponent, "is not a known program identifier"),
        ("12302663RM00001", InvalidFormat, "business number must be digits"),
        ("1230266351M0001", InvalidFormat, "program identifier must be two letters"),
        ("123026635RMA001", InvalidFormat, "reference number must be four digits"),
        ("123456789RM0001", InvalidChecksum, "check digit does not match"),
        ("١٢٣٠٢٦٦٣٥", InvalidFormat, "business number must be digits"),
    ],
)
def test_invalid_numbers(text: str, kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=re.escape(message)) as caught:
        bn.validate(text)
    assert caught.value.path == "business_number"  # type: ignore[attr-defined]
    assert not bn.is_valid(text)


def test_non_strings_are_type_errors() -> None:
    with pytest.raises(InvalidType):
        bn.validate(123026635)  # type: ignore[arg-type]
    assert not bn.is_valid(123026635)


def test_path_is_the_callers() -> None:
    with pytest.raises(InvalidLength) as caught:
        bn.validate("1", path="header.importer")
    assert caught.value.path == "header.importer"


def test_program_requirement() -> None:
    assert bn.validate_bn15("123026635RM0001", program="rm") == "123026635RM0001"
    with pytest.raises(InvalidComponent, match=r"expected an RM \(import-export\) account"):
        bn.validate_bn15("123026635RT0001", program="RM")
    with pytest.raises(InvalidLength, match="15 characters"):
        bn.validate_bn15("123026635", program="RM")
    with pytest.raises(InvalidLength, match="9 digits"):
        bn.validate_bn9("123026635RM0001")


def test_parts_and_format() -> None:
    assert bn.business_number("123026635 rm 0001") == "123026635"
    assert bn.program_identifier("123026635RM0001") == "RM"
    assert bn.program_identifier("123026635") is None
    assert bn.reference_number("123026635RM0001") == "0001"
    assert bn.reference_number("123026635") is None
    assert bn.format("123026635rm0001") == "123026635 RM 0001"
    assert bn.format("123026635") == "123026635"


def test_program_identifiers_include_the_reference_list() -> None:
    assert bn.IMPORT_EXPORT == "RM"
    expected = {"RM", "RT", "RP", "RC", "RZ", "RR", "RD", "RE", "RG", "RN", "LT", "DT", "CT", "RU"}
    assert set(bn.PROGRAM_IDENTIFIERS) == expected


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_every_completed_root_is_valid(first_eight: str) -> None:
    root = first_eight + bn.calc_check_digit(first_eight)
    assert bn.validate(root) == root
    assert bn.validate(f"{root}RM0001") == f"{root}RM0001"


@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.integers(min_value=0, max_value=8),
    st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_is_caught(first_eight: str, position: int, shift: int) -> None:
    root = first_eight + bn.calc_check_digit(first_eight)
    changed = root[:position] + str((int(root[position]) + shift) % 10) + root[position + 1 :]
    with pytest.raises(InvalidChecksum):
        bn.validate(changed)


@given(st.one_of(st.text(), st.text(alphabet="0123456789RMTCrm -", max_size=20)))
def test_arbitrary_strings_raise_only_carm_errors(text: str) -> None:
    try:
        result = bn.validate(text)
    except CarmError:
        assert not bn.is_valid(text)
        return
    assert bn.is_valid(text)
    assert len(result) in (9, 15)

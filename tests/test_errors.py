import pickle

import pytest

from carm.errors import (
    CarmError,
    CurrencyMismatch,
    ErrorCollector,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidType,
    ValidationError,
    ValidationErrors,
)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (InvalidFormat, "has an invalid format"),
        (InvalidLength, "has the wrong length"),
        (InvalidChecksum, "check digit does not match"),
        (InvalidComponent, "has an invalid component"),
        (InvalidType, "has the wrong type"),
        (CurrencyMismatch, "currencies differ"),
    ],
)
def test_each_kind_has_a_default_message_and_is_a_value_error(
    kind: type[ValidationError], message: str
) -> None:
    error = kind(value="x", path="field")
    assert str(error) == f"field: {message} (got 'x')"
    assert isinstance(error, CarmError)
    assert isinstance(error, ValueError)
    assert error.value == "x"
    assert error.path == "field"


def test_invalid_type_is_also_a_type_error() -> None:
    assert issubclass(InvalidType, TypeError)
    assert issubclass(InvalidType, InvalidFormat)


def test_message_without_value_or_path() -> None:
    assert str(InvalidFormat()) == "has an invalid format"
    assert str(InvalidFormat("bad", expected="digits")) == "bad: expected digits"


def test_a_none_value_is_still_reported() -> None:
    assert str(InvalidFormat(value=None, path="x")) == "x: has an invalid format (got None)"


@pytest.mark.parametrize(
    ("path", "prefix", "joined"),
    [
        ("value", "lines[0]", "lines[0].value"),
        ("[2]", "lines", "lines[2]"),
        ("", "header.importer", "header.importer"),
        ("value", "", "value"),
    ],
)
def test_at_prefixes_the_path(path: str, prefix: str, joined: str) -> None:
    error = InvalidLength(value="1", path=path, expected="2 letters")
    moved = error.at(prefix)
    assert moved.path == joined
    assert type(moved) is InvalidLength
    assert moved.expected == "2 letters"
    assert moved.value == "1"
    assert str(moved) == f"{joined}: has the wrong length: expected 2 letters (got '1')"
    assert error.path == path  # the original is unchanged


def test_errors_pickle_round_trip() -> None:
    error = InvalidChecksum(value="123456789", path="importer", expected="2")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InvalidChecksum
    assert str(again) == str(error)
    assert again.path == "importer"


def test_collector_reports_every_error_in_order() -> None:
    errors = ErrorCollector("declaration is not valid")
    assert not errors
    with errors.catch(path="header"):
        raise InvalidChecksum(value="123456789", path="importer")
    with errors.catch(path="lines[0]"):
        raise ValidationErrors(
            "line", [InvalidFormat(value="x", path="value"), InvalidLength(value="1", path="hs")]
        )
    with errors.catch(path="lines[1]"):
        pass
    assert len(errors) == 3
    with pytest.raises(ValidationErrors) as caught:
        errors.raise_if_any()
    group = caught.value
    assert isinstance(group, CarmError)
    assert isinstance(group, ExceptionGroup)
    assert group.paths == ("header.importer", "lines[0].value", "lines[0].hs")
    assert [type(e) for e in group.errors] == [InvalidChecksum, InvalidFormat, InvalidLength]
    assert str(group).splitlines()[0] == "declaration is not valid (3 problems)"


def test_collector_lets_other_exceptions_through() -> None:
    errors = ErrorCollector("x")
    with pytest.raises(KeyError), errors.catch():
        raise KeyError("not a validation error")
    assert not errors
    errors.raise_if_any()  # nothing collected: does not raise


def test_group_split_keeps_the_type() -> None:
    group = ValidationErrors("two", [InvalidFormat(value=1), InvalidLength(value=2)])
    match, rest = group.split(InvalidFormat)
    assert isinstance(match, ValidationErrors)
    assert isinstance(rest, ValidationErrors)
    assert [type(e) for e in match.errors] == [InvalidFormat]


def test_except_star_selects_one_kind() -> None:
    seen: list[str] = []
    try:
        raise ValidationErrors("two", [InvalidFormat(value=1, path="a"), InvalidLength(path="b")])
    except* InvalidLength as lengths:
        seen.extend(e.path for e in lengths.exceptions)  # type: ignore[union-attr]
    except* InvalidFormat as formats:
        seen.extend(e.path for e in formats.exceptions)  # type: ignore[union-attr]
    assert sorted(seen) == ["a", "b"]

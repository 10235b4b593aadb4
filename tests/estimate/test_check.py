"""The plain-line shortcut of the shipment check agrees with the full check."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from carm import Line
from carm.errors import ErrorCollector
from carm.estimate._model import _check_line, _plain_line

ODD = st.sampled_from([None, 5, 1.5, ["USD"], "", " usd ", "usd", "USD", "XXX", "cn", "CN ", "ZZ"])
DECIMALS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True), st.sampled_from(["1.00", 3, 2.5, None])
)

lines = st.builds(
    Line,
    classification=st.sampled_from(["6109.10.00.11", 6109, "2402.20.00.00"]),
    value=DECIMALS,
    origin=ODD,
    currency=ODD,
    quantity=DECIMALS,
    quantities=st.sampled_from([{}, {"KGM": Decimal(1)}, 0, None]),
    excise=st.sampled_from([None, "cigarettes", " Cigarettes", "gum", 7, ["wine"]]),
    gst_exempt=st.sampled_from([None, "65", 65]),
)


@given(lines)
def test_a_plain_line_is_checked_as_the_full_check_would(line: Line) -> None:
    full = ErrorCollector("")
    checked = _check_line(0, line, full)  # also teaches the shortcut the codes it has seen
    plain = _plain_line(0, line)
    if plain is not None:
        assert not full.errors
        assert plain == checked


def test_the_shortcut_takes_lines_whose_codes_it_has_seen() -> None:
    # Texts no other test uses: the shortcut remembers codes for the whole process.
    line = Line("6109.10.00.11", Decimal("10.00"), " mX ", currency=" cAd", excise=" BeeR ")
    assert _plain_line(0, line) is None  # not seen yet
    checked = _check_line(0, line, ErrorCollector(""))
    assert checked is not None
    assert (checked.currency, checked.origin, checked.excise.kind) == ("CAD", "MX", "beer")
    assert _plain_line(0, line) == checked

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

import carm
from carm.errors import InvalidComponent


def test_a_catalogue_frame() -> None:
    frame = pd.DataFrame(
        {
            "sku": ["TS-1", "TS-2", "BAD"],
            "hs": ["6109.10.00.11", "6109.10.00.11", "7701.00.00"],
            "price": ["1200.00", "100.00", "5"],
            "currency": ["USD", "CAD", "CAD"],
            "country": ["CN", "MX", "CN"],
            "quantity": [100, 10, 1],
        }
    )
    result = carm.estimate_frame(
        frame,
        release_date=date(2026, 10, 15),
        province="ON",
        exchange_rates={"USD": Decimal("1.3712")},
        columns={"classification": "hs", "value": "price", "origin": "country"},
    )
    assert list(result["sku"]) == ["TS-1", "TS-2", "BAD"]
    assert result.loc[0, "total"] == Decimal("393.26")
    assert result.loc[1, "treatment"] == "MXT"
    assert result.loc[1, "customs_duty"] == Decimal("0.00")
    assert result.loc[2, "total"] is None
    assert "no such chapter 77" in result.loc[2, "error"]
    assert pd.isna(result.loc[0, "error"])  # pandas writes a missing string as NaN


def test_frame_errors() -> None:
    with pytest.raises(InvalidComponent, match="lacks columns"):
        carm.estimate_frame(
            pd.DataFrame({"x": [1]}), release_date=date(2026, 10, 15), province="ON"
        )
    with pytest.raises(InvalidComponent, match="not a pandas DataFrame"):
        carm.estimate_frame([{"x": 1}], release_date=date(2026, 10, 15), province="ON")

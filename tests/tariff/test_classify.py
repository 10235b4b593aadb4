from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.errors import CarmError, InvalidFormat, InvalidLength, InvalidType
from carm.tariff import classify, normalise
from carm.tariff.evaluate import evaluate, read_labelled


def test_a_plain_description_finds_its_subheading() -> None:
    candidates = classify("Women's 100% cotton knit crew-neck T-shirt, short sleeve", limit=3)
    best = candidates[0]
    assert (best.hs6, best.code, best.heading) == ("610910", "6109.10.00.21", "6109")
    assert [level for level, _, _ in best.path] == ["section", "chapter", "heading", "subheading"]
    assert best.path[-1][1] == "6109.10"
    assert {"cotton", "tshirt", "women"} <= set(best.evidence)
    assert 0 < candidates[-1].score <= candidates[0].score <= 1
    assert len(candidates) == 3


def test_a_subheading_outside_the_bundled_schedule_gives_the_hs6() -> None:
    best = classify("garlic powder")[0]
    assert (best.hs6, best.code) == ("071290", "0712.90")


def test_words_nobody_knows_give_no_match() -> None:
    assert classify("zzqx vlorp") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [("", InvalidFormat), ("   ", InvalidFormat), ("x" * 10_001, InvalidLength), (42, InvalidType)],
)
def test_bad_text(text: object, kind: type[Exception]) -> None:
    with pytest.raises(kind):
        classify(text)  # type: ignore[arg-type]


def test_bad_limit() -> None:
    with pytest.raises(InvalidFormat):
        classify("shirt", limit=0)


def test_normalise() -> None:
    assert normalise("Ladies' Sneakers & Boys' T Shirts") == ["women", "footwear", "men", "tshirt"]
    assert normalise("batteries, boxes, glasses, mangoes") == ["battery", "box", "glass", "mango"]


@given(st.text(min_size=1, max_size=200).filter(str.strip))
def test_any_text_in_any_language_never_crashes(text: str) -> None:
    for candidate in classify(text):
        assert 0 <= candidate.score <= 1
        assert len(candidate.hs6) == 6


def test_evaluate_a_labelled_file(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.csv"
    labelled.write_text(
        "description,hs6\nmen's cotton t-shirts,610910\nlithium-ion battery,850760\n",
        encoding="utf-8",
    )
    result = evaluate(read_labelled(labelled))
    assert result.rows == 2
    assert result.top1_hs6 >= 0.5
    assert "top-1 HS6" in result.to_text()
    (tmp_path / "bad.csv").write_text("text,code\nx,1\n", encoding="utf-8")
    with pytest.raises(CarmError):
        read_labelled(tmp_path / "bad.csv")

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.errors import CarmError, InvalidFormat, InvalidLength, InvalidType
from carm.tariff import classify, normalise
from carm.tariff._words import plain_words
from carm.tariff.classify import _index, product_terms_in
from carm.tariff.evaluate import evaluate, read_labelled


def test_a_plain_description_finds_its_subheading() -> None:
    candidates = classify("Women's 100% cotton knit crew-neck T-shirt, short sleeve", limit=3)
    best = candidates[0]
    assert (best.hs6, best.code, best.heading) == ("610910", "6109.10.00.22", "6109")
    levels = ["section", "chapter", "heading", "subheading", "tariff item", "classification"]
    assert [level for level, _, _ in best.path] == levels
    assert [code for _, code, _ in best.path[3:]] == ["6109.10", "6109.10.00", "6109.10.00.22"]
    assert {"cotton", "tshirt", "women"} <= set(best.evidence)
    assert 0 < candidates[-1].score <= candidates[0].score <= 1
    assert len(candidates) == 3


def test_a_subheading_outside_the_bundled_schedule_gives_the_hs6() -> None:
    best = classify("garlic powder")[0]
    assert (best.hs6, best.code) == ("071290", "0712.90")
    assert best.path[-1][:2] == ("subheading", "0712.90")


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


def test_the_prebuilt_index_is_what_the_data_builds() -> None:
    # Stale after a change to the data or to the wording rules: rerun scripts/build_classify_index.py.
    import gzip
    import importlib
    import json
    from importlib import resources

    module = importlib.import_module("carm.tariff.classify")
    bundled = resources.files("carm.tariff").joinpath("data", "classify_index.json.gz").read_bytes()
    assert json.loads(gzip.decompress(bundled)) == json.loads(module.build_index().to_json())


def test_a_stale_prebuilt_index_is_rebuilt(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    module = importlib.import_module("carm.tariff.classify")
    expected = [c.code for c in module.classify("frozen boneless chicken breasts", limit=3)]
    monkeypatch.setattr(module, "sources_digest", lambda: "not the files it was built from")
    builds: list[int] = []
    build = module.build_index
    monkeypatch.setattr(module, "build_index", lambda: builds.append(1) or build())
    module._index.cache_clear()
    try:
        assert [
            c.code for c in module.classify("frozen boneless chicken breasts", limit=3)
        ] == expected
        assert builds == [1]
    finally:
        module._index.cache_clear()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # A line's own conditions must be stated to be chosen; otherwise the residual line.
        ("men's cotton knit T-shirt", "6109.10.00.12"),
        (
            "men's white cotton T-shirt, short sleeves, hemmed bottoms, round neckline, "
            "without pockets, no trim or embroidery",
            "6109.10.00.11",
        ),
        ("women's cotton knit blouse", "6106.10.00.90"),
        ("women's cotton knit blouse with spandex", "6106.10.00.10"),
    ],
)
def test_the_most_specific_code_needs_its_conditions_stated(text: str, code: str) -> None:
    assert classify(text, limit=1, method="keywords")[0].code == code


def test_american_spellings_fold_onto_the_nomenclatures() -> None:
    assert normalise("Aluminum tires, gray fibers, colors") == [
        "aluminium",
        "tyre",
        "grey",
        "fibre",
        "colour",
    ]


def test_product_terms_add_the_nomenclatures_wording() -> None:
    best = classify("gaming laptop 15 inch", limit=1, method="keywords")[0]
    assert best.hs6 == "847130"
    assert (
        "rule: laptop = portable automatic data processing machines (heading 8471)" in best.evidence
    )
    # "sneakers" folds onto "footwear" for the index, but a boot is not a sneaker.
    assert product_terms_in("leather boots") == [("boot", "footwear covering the ankle")]
    assert product_terms_in("E-Bike, 500 W") == [
        ("e bike", "cycles fitted with auxiliary motor with electric motor for propulsion")
    ]


def test_every_product_term_points_into_the_nomenclature_with_a_source() -> None:
    import csv
    import io
    from importlib import resources

    from carm.tariff._hs import nomenclature

    text = resources.files("carm.tariff").joinpath("data", "product_terms.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) > 80
    vocabulary = set(_index().subheadings.idf)
    for row in rows:
        assert nomenclature().node(row["subheading"], original="").level == "subheading", row
        headings = row["headings"].split()
        assert row["subheading"][:4] in headings, row
        for heading in headings:
            assert nomenclature().node(heading, original="").level == "heading", row
        assert row["source"].startswith("HS 2022"), row
        assert set(normalise(row["expansion"])) <= vocabulary, row
    assert len({tuple(plain_words(row["term"])) for row in rows}) == len(rows)


@pytest.mark.parametrize("method", ["keywords", "hybrid"])
@pytest.mark.parametrize(
    ("text", "headings"),
    [
        # The material's chapter (glass, steel, aluminium) is not where the article goes.
        ("glass table lamp", {"9405"}),
        ("stainless steel watch", {"9101", "9102"}),
        ("aluminum camping chair", {"9401"}),
        ("steel garden shovel", {"8201"}),
    ],
)
def test_a_named_product_ranks_its_headings_above_its_materials(
    text: str, headings: set[str], method: str
) -> None:
    best = classify(text, limit=1, method=method)[0]
    assert best.heading in headings
    rule = next(e for e in best.evidence if e.startswith("rule: "))
    assert rule.endswith(f"(heading {', '.join(sorted(headings))})")


def test_the_term_bonus_lifts_the_headings_a_named_product_falls_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    best = classify("polyester backpack", limit=1, method="hybrid")[0]
    assert best.heading == "4202"
    assert 0.0 <= best.score <= 1.0
    # The meaning alone puts a polyester backpack with the sacks and bags of heading 63.05.
    monkeypatch.setattr(sys.modules["carm.tariff.classify"], "_TERM_BONUS", 0.0)
    assert classify("polyester backpack", limit=1, method="hybrid")[0].heading == "6305"


@pytest.mark.parametrize("method", ["keywords", "hybrid"])
@pytest.mark.parametrize(
    ("text", "heading"),
    [
        # The material named decides between articles of wood, base metal, rubber and plastics.
        ("metal hanger", "7326"),
        ("rubber doormat", "4016"),
        ("silicone baby spoon", "3924"),
        # A water bottle may be of glass, plastics, steel...: the steel one is of steel.
        (
            "Amazon Basics Stainless Steel Insulated Water Bottle with Spout Lid, 20 oz, Black",
            "7323",
        ),
    ],
)
def test_a_named_material_lowers_the_chapters_of_other_materials(
    text: str, heading: str, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    best = classify(text, limit=1, method=method)[0]
    assert best.heading == heading
    assert best.evidence[-1 if method == "keywords" else -2].startswith("material: ")
    if text == "metal hanger":  # without the material, a wooden clothes hanger (4421.10) wins
        monkeypatch.setattr(sys.modules["carm.tariff.classify"], "materials_in", lambda text: {})
        assert classify(text, limit=1, method=method)[0].heading == "4421"


def test_only_the_main_part_of_a_description_names_its_materials() -> None:
    from carm.tariff._terms import materials_in

    assert materials_in("hose reinforced with braided stainless steel") == {}
    assert set(materials_in("Glass water bottle with stainless steel lid")) == {"glass"}
    steel = materials_in("Stainless steel water bottle")["steel"]
    assert steel.chapters == frozenset({"72", "73", "82", "83"})
    assert steel.wording == frozenset({"iron", "steel"})
    assert classify("glass jar for candles, 500 ml", limit=1)[0].evidence[-2] == "material: glass"


def test_a_product_term_that_modifies_the_next_word_or_names_a_use_is_not_the_goods() -> None:
    assert product_terms_in("bamboo boot tray, 4 pack") == []
    assert product_terms_in("Battery Operated LED Candles") == [
        ("candle", "candles tapers and the like")
    ]
    assert [term for term, _ in product_terms_in("Laptop bag for 15 inch laptop")] == ["laptop bag"]
    # the case is the goods; the phone it is for is not
    best = classify("Silicone phone case for iPhone 15", limit=1, method="keywords")[0]
    assert best.heading == "4202"
    assert not any("iphone" in e for e in best.evidence if e.startswith("rule: "))


@pytest.mark.parametrize("method", ["keywords", "hybrid"])
@pytest.mark.parametrize(
    ("text", "hs6"),
    [
        # Within a heading, the subheading whose own text names the material stated.
        ("wool socks", "611594"),
        ("polyester T-shirt", "610990"),  # "of textile materials (other than cotton)"
        ("silk scarf", "621410"),
    ],
)
def test_the_subheading_of_the_material_named_comes_first(
    text: str, hs6: str, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    assert classify(text, limit=1, method=method)[0].hs6 == hs6
    if text == "wool socks":  # without it, the words alone say nothing of which hosiery
        monkeypatch.setattr(sys.modules["carm.tariff.classify"], "_SAME_MATERIAL", 0.0)
        monkeypatch.setattr(sys.modules["carm.tariff.classify"], "_OTHER_MATERIAL", 1.0)
        assert classify(text, limit=1, method=method)[0].hs6 != hs6


def test_the_main_part_ends_at_with_or_for_not_at_watts_or_sizes() -> None:
    from carm.tariff._terms import main_part

    assert main_part("Water bottle w/ straw lid") == "Water bottle "
    assert main_part("Case for iPhone 15") == "Case "
    assert main_part("1500 W Space Heater") == "1500 W Space Heater"
    assert main_part("Plus Size Cotton Dress") == "Plus Size Cotton Dress"


def test_a_named_article_is_not_its_material_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from carm.tariff._terms import primary_form_headings

    assert {"7223", "3920", "5208", "6006"} <= primary_form_headings()
    assert "7323" not in primary_form_headings()
    text = "Stainless Steel Insulated Water Bottle"
    assert classify(text, limit=1, method="hybrid")[0].hs6 == "732393"
    # without the rule the model's pull to "Steel, stainless; wire" wins
    with monkeypatch.context() as patched:
        patched.setattr(sys.modules["carm.tariff.classify"], "_RAW_MATERIAL", 1.0)
        assert classify(text, limit=1, method="hybrid")[0].hs6 == "722300"
    # a term whose own headings are semi-manufactures keeps them: tape is 39.19
    assert classify("packaging tape, 48 mm", limit=1, method="keywords")[0].heading == "3919"


def test_a_term_before_another_term_in_one_phrase_modifies_it() -> None:
    assert [term for term, _ in product_terms_in("Beef Jerky Original 10 oz")] == ["jerky"]
    assert [term for term, _ in product_terms_in("Instant Ramen Noodles Chicken Flavor")] == [
        "noodle"
    ]
    # a comma or an ampersand ends the phrase: the dog food is dog food
    assert [term for term, _ in product_terms_in("Dry Dog Food, Chicken & Rice Formula")] == [
        "dog food",
        "chicken",
    ]
    assert classify("Instant Ramen Noodles Chicken Flavor 24 pack", limit=1)[0].heading == "1902"

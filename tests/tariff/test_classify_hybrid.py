"""The classifier's sentence-embedding ranker (extra ``embeddings`` + the model, as CI installs)."""

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carm.errors import InvalidComponent
from carm.tariff import _encoder, _vectors, classify
from carm.tariff.classify import chosen_method

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture
def fresh_index() -> Iterator[None]:
    _vectors.semantic_index.cache_clear()
    yield
    _vectors.semantic_index.cache_clear()


def test_the_numpy_encoder_gives_what_sentence_transformers_gives() -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    vectors = _encoder.Encoder(_encoder.find_model()).encode(reference["texts"])
    assert np.abs(vectors - np.array(reference["vectors"])).max() < 1e-5


def test_texts_of_any_length_are_encoded_alike_alone_or_in_a_batch() -> None:
    encoder = _vectors.semantic_index().encoder
    texts = ["a", "stainless steel kitchen sink with two bowls and a drain board " * 3, "ÿ"]
    together = encoder.encode(texts, batch=2)
    for text, row in zip(texts, together, strict=True):
        assert np.abs(encoder.encode([text])[0] - row).max() < 1e-5
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_the_shipped_vectors_are_what_the_model_makes_of_the_data() -> None:
    # Stale after a change to the data: rerun scripts/build_classify_vectors.py.
    index = _vectors.semantic_index()
    pairs = list(_vectors.line_texts())
    assert len(index.vectors) == len(pairs)
    assert index.texts == [text.replace("\n", " ") for _, text in pairs]
    assert index.codes == sorted({code for code, _ in pairs})
    sample = list(range(0, len(pairs), len(pairs) // 40))
    for position in sample:
        code, text = pairs[position]
        query = index.query(text)
        assert float(index.vectors[position] @ query) > 0.99, text
        assert index.codes[int(np.searchsorted(index.starts, position, side="right")) - 1] == code


def test_auto_means_hybrid_when_the_model_is_installed() -> None:
    assert chosen_method("auto") == "hybrid"
    with pytest.raises(InvalidComponent) as caught:
        classify("shirt", method="neural")
    assert str(caught.value) == (
        "method: is not a ranking method: expected auto, hybrid, keywords (got 'neural')"
    )


def test_without_the_model_auto_means_keywords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_encoder.MODEL_SETTING, raising=False)
    monkeypatch.setattr(_encoder, "find_spec", lambda name: None)
    _vectors._installed.cache_clear()  # looked up once per process
    monkeypatch.setattr(_vectors, "_installed", _vectors._installed.__wrapped__)
    assert chosen_method("auto") == "keywords"
    with pytest.raises(InvalidComponent, match="no sentence-embedding model is installed"):
        _encoder.find_model()
    assert classify("Women's cotton knit T-shirt")[0].evidence == (
        "cotton",
        "knitted",
        "tshirt",
        "women",
        "material: cotton",
    )


def test_a_model_directory_named_in_the_setting_must_hold_the_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_index: None
) -> None:
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv(_encoder.MODEL_SETTING, str(tmp_path))
    with pytest.raises(InvalidComponent) as caught:
        classify("garlic powder")  # auto: a model asked for by name is not passed over
    assert str(caught.value) == (
        "CARM_EMBEDDING_MODEL: the embedding model directory lacks model.safetensors, "
        f"tokenizer.json: expected a directory holding all-MiniLM-L6-v2 (got '{tmp_path}')"
    )
    assert classify("garlic powder", method="keywords")[0].hs6 == "071290"


def test_another_model_than_the_vectors_were_made_with_is_refused(
    monkeypatch: pytest.MonkeyPatch, fresh_index: None
) -> None:
    monkeypatch.setattr(_vectors, "model_digest", lambda folder: "0" * 64)
    with pytest.raises(InvalidComponent, match="not the one the shipped vectors were made with"):
        classify("garlic powder", method="hybrid")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Everyday names that neither the nomenclature's words nor the product terms cover
        # (HS 2022 7321.11 cooking appliances for gas fuel, where the words alone find tents;
        # 3924.10 tableware of plastics, where they find bearings; 8531.10 burglar or fire
        # alarms, where they find X-ray apparatus).
        ("camping stove", "732111"),
        ("sippy cup", "392410"),
        ("smoke detector", "853110"),
    ],
)
def test_hybrid_finds_what_the_words_alone_miss(text: str, code: str) -> None:
    assert not classify(text, method="keywords", limit=1)[:1] or not classify(
        text, method="keywords", limit=1
    )[0].hs6.startswith(code)
    best = classify(text, method="hybrid", limit=5)[0]
    assert best.hs6.startswith(code)
    assert best.evidence[-1].startswith("like: ")
    assert 0 < best.score <= 1


def test_a_description_closest_to_no_real_subheading_still_gets_real_ones() -> None:
    # Found by hypothesis: the nomenclature used to hold Comtrade's 9999.99 ("commodities not
    # specified according to kind"), which has no section, and the path to it raised.
    for candidate in classify("LUXURY:CSV", method="hybrid"):
        assert candidate.path[0][0] == "section"
        assert not candidate.hs6.startswith("99")


def test_nonsense_gets_no_candidates_from_either_ranker() -> None:
    for text in ("zzqx vlorp", "asdf", "¿¿¿"):
        assert classify(text, method="hybrid") == []
        assert classify(text, method="keywords") == []


def test_full_width_letters_and_lone_surrogates_read_as_text() -> None:
    expected = [c.hs6 for c in classify("cotton shirt", method="hybrid")]
    assert [c.hs6 for c in classify("ｃｏｔｔｏｎ　ｓｈｉｒｔ", method="hybrid")] == expected
    assert [c.hs6 for c in classify("\ud800cotton shirt", method="hybrid")][:1] == expected[:1]


_ANY_CODE_POINT = st.one_of(st.characters(), st.characters(categories=["Cs"]))


@given(st.lists(_ANY_CODE_POINT, min_size=1, max_size=60).map("".join).filter(str.strip))
def test_any_code_point_never_crashes_the_model(text: str) -> None:
    # Lone surrogates included: st.text leaves them out even when its alphabet has them.
    for candidate in classify(text, method="hybrid", limit=2):
        assert 0 <= candidate.score <= 1


def test_a_repeated_description_reuses_its_vector_and_an_evaluation_forgets_them() -> None:
    _vectors.forget_queries()
    first = classify("Gorilla Original Super Glue Gel, 20 Gram", method="hybrid")
    again = classify("Gorilla Original Super Glue Gel, 20 Gram", method="hybrid")
    assert again == first
    info = _vectors.SemanticIndex._query.cache_info()
    assert (info.hits, info.currsize) == (1, 1)
    vector = _vectors.semantic_index().query(
        _vectors.query_text("Gorilla Original Super Glue Gel, 20 Gram")
    )
    with pytest.raises(ValueError, match="read-only"):
        vector[0] = 1.0  # a kept vector cannot be changed under the next query
    _vectors.forget_queries()
    assert _vectors.SemanticIndex._query.cache_info().currsize == 0


def test_the_models_digest_is_kept_while_its_file_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import os

    folder = tmp_path / "model"
    folder.mkdir()
    weights = folder / "model.safetensors"
    weights.write_bytes(b"weights one")
    expected = hashlib.sha256(b"weights one").hexdigest()
    assert _encoder.model_digest(folder) == expected
    # Kept: a second start does not read the weights again.
    with monkeypatch.context() as patched:
        patched.setattr(_encoder.hashlib, "sha256", lambda: pytest.fail("read again"))
        assert _encoder.model_digest(folder) == expected
    # Changed (other size and time): read again.
    weights.write_bytes(b"weights two, longer")
    assert _encoder.model_digest(folder) == hashlib.sha256(b"weights two, longer").hexdigest()
    # A cache file that is not JSON is only a cache.
    (Path(os.environ["CARM_CACHE_DIR"]) / "tariff" / "model_digests.json").write_text("{", "utf-8")
    assert _encoder.model_digest(folder) == hashlib.sha256(b"weights two, longer").hexdigest()


@pytest.mark.parametrize(
    "text",
    [
        "Stainless Steel Insulated Water Bottle with Spout Lid",  # term, materials, raw forms
        "wool socks",  # materials' wording within a heading
        "glass table lamp",  # term and material
        "garlic powder",  # neither
    ],
)
def test_the_keyword_and_array_forms_of_the_lexicons_adjust_alike(text: str) -> None:
    import numpy as np

    from carm.tariff.classify import _index, _Lexicon, terms_in

    lexicon = _Lexicon.of(text, terms_in(text))
    scores = np.linspace(0.0, 1.0, len(_index().subheadings.codes))
    one_by_one = [lexicon.adjusted(float(score), doc) for doc, score in enumerate(scores)]
    assert np.allclose(lexicon.adjust_all(scores), one_by_one, rtol=0, atol=1e-12)

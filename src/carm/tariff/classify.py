"""Suggest tariff classifications for a product description, with the reasons.

How it ranks (measured on ``shared/data/classification_dev``; see docs/classify.md):

1. **Documents per HS subheading** (5,612 of HS 2022), each holding the words that describe it:
   the HS 2022 subheading text and its heading's and chapter's; the Canadian tariff lines of the
   bundled edition under it; and the US Harmonized Tariff Schedule's 8- and 10-digit lines under
   it (USITC HTSUS 2026 rev. 10, public domain), which name products far more concretely ("T-shirts",
   "sneakers", "smartphones") than the legal HS text.
2. **Normalised words**: lower case, accents and punctuation gone, plurals folded ("shirts" →
   "shirt"), gendered forms folded ("women's", "ladies", "girls'" → "women"), American spellings
   folded onto the nomenclature's ("aluminum" → "aluminium"), tariff boilerplate ("other",
   "nesoi", "thereof") and stop words dropped; everyday product terms ("laptop") add the
   nomenclature's wording for them (``product_terms.csv``, see :func:`product_terms_in`), and
   lift the headings their goods fall in (``_TERM_BONUS``); a material the description names
   lowers the chapters of the other materials (``materials.csv``, ``_OTHER_MATERIAL``).
3. **BM25** (k1 1.2, b 0.5) over those documents, and again over **heading documents** (the union
   of a heading's subheadings): each subheading's score is blended with its heading's, so that a
   heading whose many lines match the query lifts its subheadings.
4. **Scores** are the blended score over the best possible for the query's words, in [0, 1]:
   comparable within one query; a query whose words the nomenclature hardly knows gets low scores
   rather than invented confidence.

The index is built from package data on the first call (well under a second) and kept.

With the extra ``embeddings`` and the model installed, a second ranker (:mod:`carm.tariff._vectors`)
compares the description's meaning with every line of the nomenclature, and the keyword score is
added to it at a fifth of the weight (``method="hybrid"``, the default when installed).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

import attrs

from carm.errors import InvalidComponent, InvalidFormat, InvalidLength, InvalidType
from carm.tariff._hs import format_code, nomenclature
from carm.tariff._terms import (
    Term,
    material_chapters,
    materials_in,
    primary_form_headings,
    product_terms_in,
    terms_in,
    wording_in,
)
from carm.tariff._words import data_rows, normalise

if TYPE_CHECKING:
    from carm.tariff.schedule import Schedule

__all__ = [
    "METHODS",
    "NOTES",
    "Candidate",
    "build_index",
    "canadian_lines",
    "chosen_method",
    "classify",
    "normalise",
    "product_terms_in",
    "sources_digest",
    "us_lines",
]

MAX_TEXT: Final = 10_000
_K1: Final = 1.2
_B: Final = 0.5
_HEADING_WEIGHT: Final = 0.2


NOTES: Final = ("rule: ", "material: ", "like: ")
"""How the notes of a candidate's evidence begin; the matched words come before them."""


@attrs.frozen
class Candidate:
    """A suggested classification: the HS subheading, the most specific code known, why."""

    hs6: str
    code: str
    score: float
    path: tuple[tuple[str, str, str], ...]
    evidence: tuple[str, ...]

    @property
    def heading(self) -> str:
        return self.hs6[:4]


class _Bm25:
    """BM25 over a set of documents (word counts)."""

    codes: list[str]
    norms: list[float]
    postings: dict[str, list[tuple[int, int]]]
    idf: dict[str, float]
    position: dict[str, int]

    @classmethod
    def build(cls, documents: dict[str, Counter[str]]) -> _Bm25:
        index = cls.__new__(cls)
        index._build(documents)
        return index

    def to_dict(self) -> dict[str, object]:
        return {
            "codes": self.codes,
            "norms": self.norms,
            "postings": self.postings,
            "idf": self.idf,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _Bm25:
        index = cls.__new__(cls)
        index.codes, index.norms, index.idf = data["codes"], data["norms"], data["idf"]
        index.postings = data["postings"]  # [index, count] pairs: unpacked the same as tuples
        index.position = {code: i for i, code in enumerate(index.codes)}
        return index

    def _build(self, documents: dict[str, Counter[str]]) -> None:
        self.codes = sorted(documents)
        lengths = [sum(documents[c].values()) for c in self.codes]
        average = sum(lengths) / len(lengths)
        self.norms = [_K1 * (1 - _B + _B * length / average) for length in lengths]
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for index, code in enumerate(self.codes):
            for word, count in documents[code].items():
                self.postings.setdefault(word, []).append((index, count))
        total = len(self.codes)
        self.idf = {
            word: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5))
            for word, p in self.postings.items()
        }
        self.position = {code: i for i, code in enumerate(self.codes)}

    def scores(self, words: list[str]) -> tuple[dict[int, float], dict[int, set[str]]]:
        found: dict[int, float] = {}
        matched: dict[int, set[str]] = {}
        for word, repeats in Counter(words).items():
            idf = self.idf.get(word)
            if idf is None:
                continue
            for index, count in self.postings[word]:
                gain = idf * count * (_K1 + 1) / (count + self.norms[index])
                found[index] = found.get(index, 0.0) + gain * repeats
                matched.setdefault(index, set()).add(word)
        return found, matched

    def ceiling(self, words: list[str]) -> float:
        """The score of a document holding every query word often: the top of the scale."""
        return sum(self.idf.get(word, 0.0) * (_K1 + 1) for word in set(words)) or 1.0


_SOURCES: Final = ("hs2022.csv.gz", "sections.csv", "us_hts_2026r10.csv.gz", "T2026-2.csv.gz")
_PREBUILT: Final = "classify_index.json.gz"


def us_lines() -> Iterator[tuple[str, str, str]]:
    """(hs6, description, full description) of every bundled US HTSUS line."""
    for row in data_rows("us_hts_2026r10.csv.gz"):
        yield row["hs6"], row["description"], row["full_description"]


def canadian_lines() -> Iterator[tuple[str, str]]:
    """(hs6, description) of every line of the bundled Canadian tariff (its whole path text)."""
    for row in data_rows("T2026-2.csv.gz"):
        yield row["tariff_item"].replace(".", "")[:6], row["description"]


@cache
def sources_digest() -> str:
    """The SHA-256 of the bundled files the index is built from (read once per process: the
    keyword index and the vectors both check it)."""
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update(resources.files("carm.tariff").joinpath("data", name).read_bytes())
    return digest.hexdigest()


@cache
def _index() -> _Index:
    # The prebuilt index (scripts/build_classify_index.py) when it was built from these very
    # files; otherwise build it (about a second).
    prebuilt = resources.files("carm.tariff").joinpath("data", _PREBUILT)
    if prebuilt.is_file():
        data = json.loads(gzip.decompress(prebuilt.read_bytes()))
        if data.get("sources") == sources_digest():
            return _Index(_Bm25.from_dict(data["subheadings"]), _Bm25.from_dict(data["headings"]))
    return build_index()


def build_index() -> _Index:
    """The BM25 index of subheadings and headings, from the bundled data."""
    hs = nomenclature()
    documents: dict[str, Counter[str]] = {}
    for code, node in hs._nodes.items():
        if len(code) != 6:
            continue
        heading = hs._nodes.get(code[:4])
        chapter = hs._nodes.get(code[:2])
        words = Counter(normalise(node.description) * 3)
        if heading is not None:
            words.update(normalise(heading.description) * 2)
        if chapter is not None:
            words.update(normalise(chapter.description))
        documents[code] = words
    seen: set[tuple[str, str]] = set()
    for code, short, full in us_lines():
        if code not in documents:
            continue
        for text in (short, full):
            if (code, text) not in seen:
                seen.add((code, text))
                documents[code].update(normalise(text))
    for code, text in canadian_lines():
        if code in documents:
            documents[code].update(normalise(text.rsplit(" - ", 1)[-1]) * 2)
    headings: dict[str, Counter[str]] = {}
    for code, words in documents.items():
        headings.setdefault(code[:4], Counter()).update(words)
    return _Index(_Bm25.build(documents), _Bm25.build(headings))


@attrs.frozen
class _Index:
    subheadings: _Bm25
    headings: _Bm25

    def to_json(self) -> str:
        return json.dumps({"sources": sources_digest(), "subheadings": self.subheadings.to_dict(),
                           "headings": self.headings.to_dict()}, separators=(",", ":"))  # fmt: skip


def _check(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidType(value=text, path="text", expected="a product description as a str")
    if not text.strip():
        raise InvalidFormat("a description is needed", value=text, path="text")
    if len(text) > MAX_TEXT:
        raise InvalidLength(
            value=f"{text[:40]}...", path="text", expected=f"at most {MAX_TEXT:,} characters"
        )
    return text


def _path(hs6: str, code: str, schedule: Schedule) -> tuple[tuple[str, str, str], ...]:
    """From the section down to ``code``: the tariff item and classification when it names them."""
    hs = nomenclature()
    section = hs.section_of(hs6[:2])
    found = [("section", section.code, section.description)]
    for length, level in ((2, "chapter"), (4, "heading"), (6, "subheading")):
        node = hs._nodes[hs6[:length]]
        found.append((level, format_code(hs6[:length]), node.description))
    digits = code.replace(".", "")
    if len(digits) > 6:
        nodes = [schedule.node(digits[:8])] + ([schedule.node(digits)] if len(digits) == 10 else [])
        found += [(node.level, node.code, node.description) for node in nodes]
    return tuple(found)


_UNSAID_CONDITION: Final = 0.25


def _most_specific(hs6: str, words: set[str], schedule: Schedule) -> str:
    """The schedule's line under ``hs6`` that fits the description best, else the subheading.

    Each line is weighed by its own words (those its siblings do not all share): one point for
    each the description uses, minus a quarter point for each it does not. A line whose
    conditions the description never states ("all white, hemmed bottoms, without pockets") loses
    to the residual line ("Other T-shirts"), as a classifier would choose without those facts;
    a quarter, not more, because a condition often takes several words ("fabric containing
    spandex (elasthane)"). Chosen on hand cases in the tests, not on the development set, which
    is labelled at HS6 only.
    """
    lines = list(schedule.under(hs6))
    if not lines:
        return format_code(hs6)
    wording = [set(normalise(line.description)) for line in lines]
    shared = set.intersection(*wording)
    best, best_fit = lines[0].code, -math.inf
    for line, line_words in zip(lines, wording, strict=True):
        own = line_words - shared
        fit = len(own & words) - _UNSAID_CONDITION * len(own - words)
        if fit > best_fit:
            best, best_fit = line.code, fit
    return best


METHODS: Final = ("auto", "hybrid", "keywords")
_KEYWORD_WEIGHT: Final = 0.2
_TERM_BONUS: Final = 0.1
"""Added to every subheading in a heading a named product falls in (``product_terms.csv``): the
legal notes of the material chapters send articles of the function chapters there ("toys",
"lamps", "watches" are not articles of plastics, glass or steel: Chapter 39 Note 2, Chapter 70
Note 1, Section XV Note 1), and the table lists every heading the product's goods may fall in."""
_RAW_MATERIAL: Final = 0.8
"""The factor on the headings of materials as such (``primary_forms.csv``: steel bars and wire,
plastics in primary forms and sheets, yarn and fabrics...) when the description names an article
(a product term) that is not one of them: a "stainless steel water bottle" is not steel wire."""
_SAME_MATERIAL: Final = 0.05
"""Added to a subheading whose own text says its goods are of a material the description names
(then over the scale's new top)."""
_OTHER_MATERIAL: Final = 0.8
"""The factor on a subheading whose chapter holds goods of a material other than those the
description names (``materials.csv``): Chapters 39, 44, 69, 70, 72-76 and the textile chapters
are defined by material (HS 2022 chapter titles); and, again, on one whose own text names only
other materials ("of cotton" for a wool description)."""


def classify(text: str, *, limit: int = 5, method: str = "auto") -> list[Candidate]:
    """The ``limit`` most likely classifications for a product description, best first.

    ``method``: ``"keywords"`` ranks by BM25 alone; ``"hybrid"`` adds the sentence-embedding
    ranker (extra ``embeddings`` and the model: see :mod:`carm.tariff._encoder`); ``"auto"``
    (default) is hybrid when that is installed, keywords otherwise.

    >>> best = classify("Women's cotton knit T-shirt")[0]
    >>> best.hs6, best.code
    ('610910', '6109.10.00.22')
    """
    _check(text)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidFormat(value=limit, path="limit", expected="a positive int")
    ranker = chosen_method(method)
    terms = terms_in(text)
    lexicon = _Lexicon.of(text, terms)
    words = normalise(text) + normalise(" ".join(term.expansion for term in terms))
    keyword_scores, matched = _keyword_scores(words)
    if ranker == "keywords":
        for doc, score in keyword_scores.items():
            keyword_scores[doc] = lexicon.adjusted(score, doc)
        ranked = sorted(keyword_scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return _candidates(ranked, words, matched, lexicon.rules)
    if terms:
        text = f"{text} ({'; '.join(term.expansion for term in terms)})"
    return _hybrid(text, words, keyword_scores, matched, limit, lexicon)


@attrs.frozen
class _Lexicon:
    """What the curated lexicons say about one description, and how it moves the scores.

    ``headings``: those the named products fall in, made of what the description says if it
    says (``_TERM_BONUS``). When the description says what the goods are made of, ``lowered``:
    the chapters of every other material (``_OTHER_MATERIAL``): a "stainless steel water bottle"
    is not glassware nor plastics; and ``wording``: the nomenclature's words for those materials,
    which lift a subheading whose own text says its goods are of them and lower one that names
    only others (``_SAME_MATERIAL``: "wool socks" are 6115.94, "of wool or fine animal hair", not
    6115.95, "of cotton"). ``raw``: when it names an article, the headings of materials as such
    (``_RAW_MATERIAL``) other than the article's own.
    """

    headings: frozenset[str]
    lowered: frozenset[str]
    wording: frozenset[str]
    raw: frozenset[str]
    rules: tuple[str, ...]

    @classmethod
    def of(cls, text: str, terms: list[Term]) -> _Lexicon:
        materials = materials_in(text)
        named = frozenset().union(*(material.chapters for material in materials.values()))
        rules = [term.rule for term in terms]
        if materials:
            rules.append(f"material: {' '.join(materials)}")
        lowered = material_chapters() - named if materials else frozenset()
        # A term's headings of another material than the one named are not where the goods go
        # ("stainless steel water bottle": 73.23, not 70.13 nor 39.24).
        headings = frozenset(
            heading for term in terms for heading in term.headings if heading[:2] not in lowered
        )
        wording = frozenset().union(*(material.wording for material in materials.values()))
        articles = frozenset().union(*(term.headings for term in terms))
        raw = primary_form_headings() - articles if terms else frozenset()
        return cls(headings, lowered, wording, raw, tuple(rules))

    def adjusted(self, score: float, doc: int) -> float:
        """``score`` (in [0, 1]) of subheading document ``doc`` with the bonuses and the
        lowering, still in [0, 1]."""
        code = _index().subheadings.codes[doc]
        if self.headings:
            bonus = _TERM_BONUS if code[:4] in self.headings else 0.0
            score = (score + bonus) / (1 + _TERM_BONUS)
        if self.wording:
            says = _subheading_wording()[doc]
            same = bool(says & self.wording)
            score = (score + (_SAME_MATERIAL if same else 0.0)) / (1 + _SAME_MATERIAL)
            if says and not same:
                score *= _OTHER_MATERIAL
        if code[:4] in self.raw:
            score *= _RAW_MATERIAL
        return score * _OTHER_MATERIAL if code[:2] in self.lowered else score

    def adjust_all(self, scores: Any) -> Any:
        """:meth:`adjusted` for every subheading's score at once (a NumPy array, in index order)."""
        import numpy as np

        headings, chapters = _subheading_levels()
        if self.headings:
            inside = np.isin(headings, sorted(self.headings))
            scores = (scores + _TERM_BONUS * inside) / (1 + _TERM_BONUS)
        if self.wording:
            naming, names_any = _wording_columns()
            same = np.zeros(len(scores), dtype=bool)
            for word in self.wording & naming.keys():
                same[naming[word]] = True
            scores = (scores + _SAME_MATERIAL * same) / (1 + _SAME_MATERIAL)
            scores = np.where(names_any & ~same, scores * _OTHER_MATERIAL, scores)
        if self.raw:
            scores = np.where(np.isin(headings, sorted(self.raw)), scores * _RAW_MATERIAL, scores)
        if self.lowered:
            scores = np.where(
                np.isin(chapters, sorted(self.lowered)), scores * _OTHER_MATERIAL, scores
            )
        return scores


@cache
def _subheading_wording() -> list[frozenset[str]]:
    """The material words each subheading's own HS text says its goods are of (index order)."""
    nodes = nomenclature()._nodes
    return [wording_in(nodes[code].description) for code in _index().subheadings.codes]


@cache
def _wording_columns() -> tuple[dict[str, Any], Any]:
    """For the hybrid: the subheadings naming each material word, and whether each names any."""
    import numpy as np

    naming: dict[str, list[int]] = {}
    for doc, words in enumerate(_subheading_wording()):
        for word in words:
            naming.setdefault(word, []).append(doc)
    names_any = np.array([bool(words) for words in _subheading_wording()])
    return {word: np.array(docs) for word, docs in naming.items()}, names_any


@cache
def _subheading_levels() -> tuple[Any, Any]:
    """The heading and the chapter of each subheading document, as NumPy arrays."""
    import numpy as np

    codes = _index().subheadings.codes
    return np.array([code[:4] for code in codes]), np.array([code[:2] for code in codes])


def chosen_method(method: str) -> str:
    """The ranker ``method`` stands for: ``"auto"`` resolved to what is installed."""
    from carm.tariff._vectors import semantic_installed

    if method not in METHODS:
        raise InvalidComponent(
            "is not a ranking method", value=method, path="method", expected=", ".join(METHODS)
        )
    if method == "auto":
        return "hybrid" if semantic_installed() else "keywords"
    return method


def _keyword_scores(words: list[str]) -> tuple[dict[int, float], dict[int, set[str]]]:
    """BM25 per subheading over the best possible for these words, blended with the heading's."""
    if not words:
        return {}, {}
    index, headings = _index().subheadings, _index().headings
    scores, matched = index.scores(words)
    heading_scores, _ = headings.scores(words)
    ceiling, heading_ceiling = index.ceiling(words), headings.ceiling(words)
    blended = {
        doc: (1 - _HEADING_WEIGHT) * score / ceiling
        + _HEADING_WEIGHT
        * heading_scores.get(headings.position[index.codes[doc][:4]], 0.0)
        / heading_ceiling
        for doc, score in scores.items()
    }
    return blended, matched


def _hybrid(
    text: str,
    words: list[str],
    keyword_scores: dict[int, float],
    matched: dict[int, set[str]],
    limit: int,
    lexicon: _Lexicon,
) -> list[Candidate]:
    """Cosine to the closest nomenclature line, plus a fifth of the keyword score (then the
    lexicons' say, see :class:`_Lexicon`). A description
    with no word the nomenclature knows and none the model knows gets no candidates: a cosine
    alone does not tell nonsense (all-MiniLM-L6-v2 puts "zzqx" closer to copra, 0.50, than
    "bluetooth speaker" to loudspeakers, 0.40)."""
    import numpy as np

    from carm.tariff._vectors import query_text, semantic_index

    semantic = semantic_index()
    text = query_text(text)
    if not keyword_scores and not semantic.encoder.known_words(text):
        return []
    query = semantic.query(text)
    combined = semantic.similarities(query).astype(np.float64)
    for doc, score in keyword_scores.items():
        combined[doc] += _KEYWORD_WEIGHT * score
    combined /= 1 + _KEYWORD_WEIGHT
    combined = lexicon.adjust_all(combined)
    count = min(limit, len(combined))
    best = np.argpartition(-combined, count - 1)[:count]
    ranked = sorted(
        ((int(doc), float(combined[doc])) for doc in best),  # float ok: a score, not money
        key=lambda item: (-item[1], item[0]),
    )
    hints = {doc: semantic.closest_line(doc, query) for doc, _ in ranked}
    return _candidates(ranked, words, matched, lexicon.rules, hints)


def _candidates(
    ranked: list[tuple[int, float]],
    words: list[str],
    matched: dict[int, set[str]],
    rules: tuple[str, ...],
    closest: dict[int, str] | None = None,
) -> list[Candidate]:
    from carm.tariff.editions import load_schedule

    codes = _index().subheadings.codes
    query_words = set(words)
    schedule = load_schedule()
    found = []
    for doc, score in ranked:
        code = _most_specific(codes[doc], query_words, schedule)
        hint = (f"like: {closest[doc]}",) if closest else ()
        found.append(
            Candidate(
                hs6=codes[doc],
                code=code,
                score=round(min(max(score, 0.0), 1.0), 4),
                path=_path(codes[doc], code, schedule),
                evidence=tuple(sorted(matched.get(doc, ()))) + rules + hint,
            )
        )
    return found

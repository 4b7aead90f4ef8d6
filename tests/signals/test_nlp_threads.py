"""The model loaders bound torch's threads from the settings and keep the tokenizers off their own pool."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from callcoach.nlp import MAX_TORCH_THREADS, bound_threads, default_torch_threads
from callcoach.settings import Settings


@pytest.fixture
def torch_threads() -> Iterator[None]:
    """Restore the process-wide torch thread count and tokenizers switch after the test."""
    import torch

    before, env = torch.get_num_threads(), os.environ.get("TOKENIZERS_PARALLELISM")
    yield
    torch.set_num_threads(before)
    if env is None:
        os.environ.pop("TOKENIZERS_PARALLELISM", None)
    else:
        os.environ["TOKENIZERS_PARALLELISM"] = env


@pytest.mark.parametrize(("cpu_threads", "expected"), [
    (1, 1),
    (MAX_TORCH_THREADS + 12, MAX_TORCH_THREADS),
    (0, default_torch_threads()),
])
def test_nlp_threads_bounded_by_settings(torch_threads: None, cpu_threads: int, expected: int) -> None:
    import torch

    os.environ["TOKENIZERS_PARALLELISM"] = "true"
    assert bound_threads(Settings(cpu_threads=cpu_threads)) == expected
    assert torch.get_num_threads() == expected
    assert os.environ["TOKENIZERS_PARALLELISM"] == "false"

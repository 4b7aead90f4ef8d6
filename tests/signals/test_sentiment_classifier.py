"""The optional transformers sentiment classifier: loads by path, maps labels to polarity, plugs into drift.

The models here are tiny BERT classifiers built in the test (random encoder, a fixed output bias),
so the loading code runs for real without any download.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from callcoach.analysis import Signals
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.errors import ModelUnavailable
from callcoach.settings import Settings
from signals._sentiment.classifier import label_value, polarity
from signals.base import SignalContext
from signals.sentiment import sentiment

WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "deal", "looks", "good", "bad", "we", "will",
         "think", "about", "it", "price", "is", "high", "great", "let", "'", "s", "go", ".", ","]


def _tiny_classifier(folder: Path, labels: list[str], favoured: int) -> str:
    """Save a 1-layer BERT classifier whose output is `favoured` with logit margin 5, whatever the text."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(WORDS) + "\n")
    BertTokenizer(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(vocab_size=len(WORDS), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)})
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.bias[favoured] = 5.0
    model.save_pretrained(folder)
    return str(folder)


@pytest.mark.parametrize(("label", "n", "value"), [
    ("negative", 3, -1.0), ("NEUTRAL", 3, 0.0), ("Positive", 3, 1.0),
    ("1 star", 5, -1.0), ("3 stars", 5, 0.0), ("5 stars", 5, 1.0),
    ("LABEL_0", 3, -1.0), ("LABEL_1", 3, 0.0), ("LABEL_2", 3, 1.0), ("LABEL_1", 2, 1.0),
])
def test_sentiment_classifier_label_values(label: str, n: int, value: float) -> None:
    assert label_value(label, n) == value


def test_sentiment_classifier_unreadable_label_is_refused() -> None:
    with pytest.raises(ModelUnavailable, match="toxic"):
        label_value("toxic", 2)


@pytest.mark.slow
def test_sentiment_classifier_polarity_from_a_local_model(tmp_path: Path) -> None:
    pos = _tiny_classifier(tmp_path / "pos", ["negative", "neutral", "positive"], favoured=2)
    stars = _tiny_classifier(tmp_path / "stars", [f"{k} star{'s' if k > 1 else ''}" for k in range(1, 6)],
                             favoured=0)
    p = math.exp(5) / (math.exp(5) + 2)  # the favoured label's probability with three labels
    expected = p * 1.0 + (1 - p) / 2 * (0.0 - 1.0)  # positive, plus the neutral and negative remainder
    assert polarity(["the deal looks good.", "we will think about it"], pos) == pytest.approx(
        [expected, expected], abs=1e-3)
    # Five labels, "1 star" favoured: polarity = sum(prob * (stars - 3) / 2).
    q = math.exp(5) / (math.exp(5) + 4)
    expected = -1.0 * q + (1 - q) / 4 * (-0.5 + 0.0 + 0.5 + 1.0)
    assert polarity(["price is high"], stars)[0] == pytest.approx(expected, abs=1e-3)


@pytest.mark.slow
def test_sentiment_signal_uses_the_configured_classifier(tmp_path: Path) -> None:
    model = _tiny_classifier(tmp_path / "neg", ["negative", "neutral", "positive"], favoured=0)
    people = (Participant("Rep", "rep"), Participant("Buyer", "buyer"))
    lines = ["the deal looks good.", "great, let's go.", "we will think about it.", "the price is high."]
    utts = tuple(Utterance("Buyer", 5.0 * i, 5.0 * i + 4.0, t, side="buyer") for i, t in enumerate(lines))
    transcript = Transcript(CallMeta(call_id="c", participants=people), utts, duration_s=20.0)
    s = sentiment(SignalContext(transcript=transcript, settings=Settings(sentiment_model=model)))
    out = Signals(**s.to_analysis()).to_contract()["sentiment"]
    assert out["method"].startswith("classifier")
    # The model calls everything negative; how negative depends on how much each line states a stance.
    assert all(-1.0 <= u["score"] <= 0.0 for u in out["scores"])
    assert -2.0 <= out["drift"] <= 2.0


@pytest.mark.slow
def test_sentiment_classifier_missing_model_names_it(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(ModelUnavailable, match="no-such-model"):
        polarity(["hello"], missing)

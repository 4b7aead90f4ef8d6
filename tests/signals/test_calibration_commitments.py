"""The learned commitment check in next_step, the shipped threshold calibration, the objection quote
choice, the corpus generator's per-template streams and the sentiment fragment joining."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

import signals._corpus.generate as corpus_gen
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.settings import Settings
from signals._classifiers import calibration, load
from signals.base import SignalContext
from signals.next_step import next_step
from signals.objections import objections
from signals.sentiment import _joined_fragments

REP, BUYER = "Lena Brooks", "Victor Nash"


def _ctx(lines: list[tuple[str, str]], settings: Settings | None = None) -> SignalContext:
    people = (Participant(REP, "rep", "Account Executive"), Participant(BUYER, "buyer", "COO"))
    side = {p.name: p.side for p in people}
    utts = tuple(Utterance(speaker=s, start=8.0 * i, end=8.0 * i + 6.0, text=t, side=side[s])
                 for i, (s, t) in enumerate(lines))
    meta = CallMeta(call_id="k", started_at=datetime.fromisoformat("2026-05-04T15:00:00+00:00"),
                    deal_id="d", rep=REP, participants=people)
    return SignalContext(transcript=Transcript(meta=meta, utterances=utts, duration_s=8.0 * len(lines)),
                         settings=settings or Settings())


@pytest.mark.slow
def test_a_deferral_shaped_like_an_owned_action_is_no_next_step() -> None:
    """'Let me run it past ...' has the form of an owned action; the classifier reads the brush-off."""
    ns = next_step(_ctx([
        (REP, "So where does that leave us on the rollout?"),
        (BUYER, "Honestly, let me run it past the partners and we'll see where it lands."),
    ])).to_analysis()["next_step"]
    assert ns.present is False
    assert any("classifier reads it as" in r.why for r in ns.not_next_steps)


@pytest.mark.slow
def test_a_concrete_owned_step_survives_the_classifier() -> None:
    ns = next_step(_ctx([
        (REP, "I'll send the signed order form to your controller by Friday."),
        (BUYER, "Great, that works."),
    ])).to_analysis()["next_step"]
    assert (ns.present, ns.owned, ns.dated) == (True, True, True)


def test_shipped_calibration_overrides_the_corpus_thresholds() -> None:
    shipped = calibration()
    assert set(shipped) == {"stance", "objection"}
    stance, objection = load("stance"), load("objection")
    assert stance.threshold("drift", -1.0) == shipped["stance"]["drift"]["threshold"]
    assert objection.threshold("fire", -1.0) == shipped["objection"]["fire"]["threshold"]
    # The corpus's own guesses stay on record beside the calibrated points.
    assert "drift" in stance.meta["corpus_thresholds"] and "fire" in objection.meta["corpus_thresholds"]


def test_calibration_file_says_how_it_was_fit() -> None:
    from importlib import resources

    doc = json.loads(resources.files("signals._models").joinpath("calibration.json").read_text())
    assert doc["fit_on"]["calls"] >= doc["fit_on"]["deals"] > 1
    assert 0.0 < doc["thresholds"]["stance"]["drift"]["lodo_accuracy"] <= 1.0
    assert 0.0 < doc["thresholds"]["objection"]["fire"]["lodo_f1"] <= 1.0


UNSURE = [(REP, "How does the team feel about the proposal?"),
          (BUYER, "We might end up revisiting the whole budget before the summer, hard to say."),
          (BUYER, "Your price is way too expensive for us. And the budget is gone this year anyway.")]


@pytest.mark.slow
def test_objection_fire_probability_setting_moves_the_operating_point() -> None:
    never = objections(_ctx(UNSURE, Settings(objection_fire_probability=1.0))).to_analysis()["objections"]
    eager = objections(_ctx(UNSURE, Settings(objection_fire_probability=0.0))).to_analysis()["objections"]
    # At 1.0 only cues fire; at 0.0 the classifier adds its readings.
    assert all(o.cue is not None for o in never)
    assert len(eager) > len(never)


@pytest.mark.slow
def test_a_cue_sentence_is_the_quote_over_an_earlier_classifier_reading() -> None:
    """In one turn, the sentence with the cue is quoted, not the first one the classifier fired on."""
    turn = [(BUYER, "We might end up revisiting the whole budget before the summer, hard to say. "
                    "Your price is way too expensive for us.")]
    found = objections(_ctx(turn, Settings(objection_fire_probability=0.0))).to_analysis()["objections"]
    price = [o for o in found if o.category == "price"]
    assert len(price) == 1
    assert price[0].cue is not None and "too expensive" in price[0].text


def test_adding_a_template_leaves_every_other_templates_rows_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    before = corpus_gen.generate()
    tasks = {task: dict(by_label) for task, by_label in corpus_gen.TASKS.items()}
    tasks["stance"]["warm"] = ("a brand new warm template about {thing}",) + tuple(tasks["stance"]["warm"])
    monkeypatch.setattr(corpus_gen, "TASKS", tasks)
    after = corpus_gen.generate()
    for task in ("objection", "commitment", "question", "pain"):
        assert [r["text"] for r in after[task]] == [r["text"] for r in before[task]]
    # Within the changed task, the old templates' fills are unchanged too (their groups shift by one).
    old = {r["text"] for r in before["stance"]}
    new = {r["text"] for r in after["stance"] if "brand new" not in r["text"]}
    assert new == old


def test_short_sentences_join_a_neighbour_before_scoring() -> None:
    assert _joined_fragments(["Sure.", "The second site has about sixty users."]) == [
        "Sure. The second site has about sixty users."]
    assert _joined_fragments(["We do training in groups of ten.", "Right."]) == [
        "We do training in groups of ten. Right."]
    assert _joined_fragments(["Okay."]) == ["Okay."]


def test_the_trend_reads_a_change_in_the_middle_of_the_call() -> None:
    """Cool remarks just before the middle, warm ones just after, nothing in the outer thirds: a
    first-third/last-third comparison sees no change; the fitted trend warms."""
    import numpy as np

    from signals._drift import drift_of, trend

    at = np.array([0.36, 0.40, 0.44, 0.56, 0.60, 0.64])
    score = np.array([-0.7, -0.6, -0.7, 0.7, 0.6, 0.7])
    weight = np.full(6, 0.9)
    early, late, call = trend(score, weight, at)
    assert late > 0 > early and abs(call) < 0.05
    assert drift_of(score, weight, at) == pytest.approx(late - early) and late - early > 0.2
    # One faint remark cannot make a trend, and nothing stated is no change.
    assert abs(drift_of(np.array([0.8]), np.array([0.1]), np.array([0.95]))) < 0.02
    assert drift_of(np.zeros(0), np.zeros(0), np.zeros(0)) == 0.0


@pytest.mark.slow
def test_the_buyers_own_plan_or_pain_is_no_objection_even_when_the_classifier_leans() -> None:
    """Sentences about the buyer's own timeline or pain carry no stance toward the deal: whatever the
    objection classifier's topic reading, they do not fire on it (only a cue would)."""
    calm = [(BUYER, "Renewals pile up in March and nobody has time."),
            (BUYER, "Intake gets slow in the summer because half the team is out.")]
    assert objections(_ctx(calm)).to_analysis()["objections"] == ()

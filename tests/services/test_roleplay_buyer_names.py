"""settings.redact_buyer_names_in_roleplays: buyers' names leave role-play exports, the words stay."""

from __future__ import annotations

from callcoach.services.coaching import without_buyer_names


def test_roleplay_buyer_names_replaced_everywhere_rep_kept() -> None:
    scenario = {
        "id": "scenario-1",
        "name": "Price objection: Marta says it costs too much",
        "persona": {"title": "CFO", "speakers": ["Marta Quell"]},
        "variants": ["Honestly Marta Quell here, it costs twice what we pay.", "Too pricey for us."],
        "context": [
            {"speaker": "Marta Quell", "rep": "Dana Reyes", "rep_before": "Marta, what is it worth?"}
        ],
    }
    [out] = without_buyer_names([scenario])
    text = repr(out)
    assert "Marta" not in text and "Quell" not in text
    assert out["variants"][0] == "Honestly [BUYER] here, it costs twice what we pay."
    assert out["context"][0]["rep"] == "Dana Reyes"  # the rep is not a buyer: kept
    assert out["variants"][1] == "Too pricey for us."

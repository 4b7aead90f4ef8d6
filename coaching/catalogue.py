"""The role-play catalogue, built one call at a time (pure: the storage glue is in the services).

``coaching.roleplay.build_roleplays`` clusters every buyer statement of every call at once: its
cost grows with the library (the clustering is quadratic). The catalogue keeps the same scenarios
incrementally instead:

- :func:`statement_records`: when a call is coached, each buyer objection or pain becomes a record
  holding everything a scenario shows of it (the turn, the speaker's title, the rep's reply and
  what followed, the rep's words before, the call's context), so reading a scenario needs no call.
- :func:`nearest_cluster`: the statement joins the cluster of its kind and category at the smallest
  average-linkage cosine distance, if under the same thresholds ``build_roleplays`` uses; else it
  starts a cluster. For unit vectors the average distance to a cluster's members is
  ``1 - v . sum / size``, so a cluster is one stored vector sum and a count. Unlike the batch
  clustering, two clusters that later grow towards each other are not merged.
- :func:`scenario_of_records`: a scenario in the shape ``build_roleplays`` returns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from coaching.calls import CallView
from coaching.roleplay import (
    _OBJECTION_WORDS,
    CLUSTER_DISTANCE,
    MAX_VARIANTS,
    PAIN_CLUSTER_DISTANCE,
    _criteria,
    _rep_before,
    _response,
    _statements,
)

# Scenarios in one page of the catalogue unless the reader asks for another size: the number
# build_roleplays returned in all (MAX_SCENARIOS), so a default page reads as the old list did.
DEFAULT_PAGE = 12
# Statements a scenario shows (context, variants, responses): its most recent ones. A scenario
# heard on hundreds of calls would otherwise be a megabyte; a role-play needs a handful.
SHOWN_STATEMENTS = 25


def distance_for(kind: str) -> float:
    """The average-linkage cut of a statement kind (see coaching.roleplay)."""
    return CLUSTER_DISTANCE if kind == "objection" else PAIN_CLUSTER_DISTANCE


def people_of(call: CallView) -> list[str]:
    """Everyone a call names (rep, speakers, participants): what de-identification replaces."""
    names = {call.rep, *(u.speaker for u in call.utterances), *(p.name for p in call.participants)}
    return sorted(n for n in names if n)


def statement_records(call: CallView) -> list[dict[str, Any]]:
    """One record per buyer objection or pain of `call`, in the order build_roleplays reads them."""
    from coaching.lines import key_phrase

    people = people_of(call)
    industry = call.extra.get("industry")
    out = []
    for st in _statements([call]):
        # The scenario's name, should this statement open it: parsed once here, not on every read.
        phrase = key_phrase(st.text, prefer=_OBJECTION_WORDS if st.category else None)
        out.append(
            {
                "kind": st.kind,
                "category": st.category,
                "text": st.text,
                "start": st.start,
                "speaker": st.speaker,
                "title": st.title,
                "response": _response(st),
                "rep_before": _rep_before(st),
                "call_id": call.call_id,
                "call_title": call.title,
                "deal_id": call.deal_id,
                "rep": call.rep,
                "industry": str(industry) if industry else None,
                "people": people,
                "phrase": phrase,
            }
        )
    return out


def nearest_cluster(
    vector: np.ndarray, clusters: Sequence[tuple[int, np.ndarray, int]], kind: str
) -> int | None:
    """The id of the cluster (id, vector sum, size) `vector` joins, or None for a new cluster."""
    best, best_distance = None, distance_for(kind)
    for cluster_id, vec_sum, size in clusters:
        if size <= 0:
            continue
        distance = 1.0 - float(np.dot(vector, vec_sum)) / size
        if distance < best_distance:
            best, best_distance = cluster_id, distance
    return best


def scenario_of_records(number: int, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A scenario (as coaching.roleplay builds it) from one cluster's statement records, in call order
    (the cluster's SHOWN_STATEMENTS most recent ones when it has more)."""
    from coaching.lines import key_phrase

    kinds = Counter(r["kind"] for r in records)
    categories = Counter(r["category"] for r in records if r["category"])
    titles = Counter(r["title"] for r in records if r["title"])
    industries = Counter(r["industry"] for r in records if r.get("industry"))
    variants: list[str] = []
    for r in records:
        if r["text"] not in variants:
            variants.append(r["text"])
    responses = list(
        {
            (resp["call_id"], resp["start"]): resp for r in records if (resp := r.get("response")) is not None
        }.values()
    )
    best = [resp for resp in responses if resp["warmer"] or resp["next_step"]]
    kind = kinds.most_common(1)[0][0]
    topic = categories.most_common(1)[0][0] if categories else None
    label = f"{kind.capitalize()} ({topic})" if topic else kind.capitalize()
    phrase = records[0].get("phrase") or key_phrase(variants[0], prefer=_OBJECTION_WORDS if topic else None)
    name = f"{label}: {phrase}"
    return {
        "id": f"scenario-{number}",
        "name": name,
        "kind": kind,
        "category": topic,
        "persona": {
            "title": titles.most_common(1)[0][0] if titles else None,
            "industry": industries.most_common(1)[0][0] if industries else None,
            "speakers": sorted({r["speaker"] for r in records if r["speaker"]}),
        },
        "variants": variants[:MAX_VARIANTS],
        "context": [
            {
                "call_id": r["call_id"],
                "call_title": r["call_title"],
                "deal_id": r["deal_id"],
                "rep": r["rep"],
                "at_s": round(r["start"], 1),
                "speaker": r["speaker"],
                "rep_before": r["rep_before"],
            }
            for r in records
        ],
        "rubric": _criteria(best, variants),
        "best_responses": best,
        "observed_responses": len(responses),
    }

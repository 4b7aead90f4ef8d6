"""Words that name buyer-side roles: people's titles and the functions that take part in a decision.

Each entry maps a spoken pattern (regular expression, matched case-insensitively on word
boundaries) to a canonical key, so "chief financial officer", "CFO" and "c.f.o." are one role
and "the school board", "board of directors" and "the board" are one decision function.
"""

from __future__ import annotations

import re

__all__ = [
    "TITLES",
    "FUNCTIONS",
    "FUNCTION_TITLE_WORDS",
    "SELLER_TITLES",
    "title_key",
    "function_key",
    "TITLE_RE",
    "FUNCTION_RE",
]

# Person titles: pattern -> canonical key. Singular only: "our project managers" are a group of
# users, not a stakeholder.
TITLES: dict[str, str] = {
    r"c\.?e\.?o|chief\s+executive(?:\s+officer)?": "ceo",
    r"c\.?f\.?o|chief\s+financial\s+officer|finance\s+chief": "cfo",
    r"c\.?o\.?o|chief\s+operating\s+officer": "coo",
    r"c\.?t\.?o|chief\s+technology\s+officer": "cto",
    r"c\.?i\.?o|chief\s+information\s+officer": "cio",
    r"c\.?i\.?s\.?o|chief\s+information\s+security\s+officer|chief\s+security\s+officer": "ciso",
    r"c\.?r\.?o|chief\s+revenue\s+officer": "cro",
    r"c\.?m\.?o|chief\s+marketing\s+officer": "cmo",
    r"chief\s+people\s+officer|c\.?h\.?r\.?o": "chro",
    r"chief\s+of\s+staff": "chief of staff",
    r"(?:s|e)?vp(?:\s+of)?(?:\s+[a-z]+){0,2}"
    r"|(?:senior\s+|executive\s+)?vice\s+president(?:\s+of)?(?:\s+[a-z]+){0,2}": "vp",
    r"president": "president",
    r"co-?founder|founder": "founder",
    r"owner": "owner",
    r"managing\s+partner": "managing partner",
    r"(?:it|i\.t\.|technology|tech|finance|operations|ops|procurement|purchasing|security|marketing|sales|hr|"
    r"people|engineering|product|fleet|safety|legal|compliance|facilities|revenue)\s+director|"
    r"director\s+of\s+[a-z]+(?:\s+[a-z]+)?": "director",
    r"head\s+of\s+[a-z]+(?:\s+[a-z]+)?": "head",
    r"controller|comptroller": "controller",
    r"treasurer": "treasurer",
    r"superintendent": "superintendent",
    r"principal": "principal",
    r"provost|dean|chancellor": "academic leader",
    r"general\s+counsel|legal\s+counsel|counsel|lawyer|attorney": "counsel",
    r"security\s+architect|enterprise\s+architect|solutions?\s+architect|architect": "architect",
    r"(?:it|i\.t\.|procurement|purchasing|finance|operations|office|project|program|safety|fleet|ap|"
    r"accounts\s+payable|security|compliance|hr|facilities|category)\s+manager": "manager",
    r"boss|manager|supervisor|line\s+manager|director": "boss",
    r"(?:it|i\.t\.|system|systems|sys)\s+admin(?:istrator)?": "it admin",
    r"business\s+owner|budget\s+holder|decision\s+maker|economic\s+buyer|sponsor|champion": "sponsor",
}
# Decision functions: pattern -> canonical key (counted once per call, CONTRACT 3).
FUNCTIONS: dict[str, str] = {
    r"(?:school\s+)?board(?:\s+of\s+(?:directors|trustees|education))?|trustees": "board",
    r"procurement(?:\s+team|\s+department|\s+office)?|purchasing(?:\s+team|\s+department)?"
    r"|sourcing\s+team": "procurement",
    r"finance(?:\s+team|\s+department|\s+side|\s+folks|\s+group)?"
    r"|accounting(?:\s+team|\s+department)?": "finance",
    r"legal(?:\s+team|\s+department|\s+folks)?": "legal",
    r"(?:info(?:rmation)?\s*sec(?:urity)?|cyber\s*security|it\s+security|i\.t\.\s+security)\s+(?:team|department|"
    r"folks|group|side)"
    r"|infosec|it\s+security|i\.t\.\s+security|security\s+team|security\s+folks"
    r"|security\s+review\s+board": "it security",
    r"compliance(?:\s+team|\s+department)?": "compliance",
    r"(?:it|i\.t\.)\s+(?:team|department|folks|group|side)|(?-i:IT)": "it",
    r"leadership(?:\s+team)?|exec(?:utive)?\s+team|executive\s+committee|management\s+team"
    r"|senior\s+leadership": "leadership",
    r"steering\s+committee|investment\s+committee|committee": "committee",
    r"hr(?:\s+team)?|human\s+resources|people\s+team": "hr",
    r"council|city\s+council": "council",
}
# Heads that keep a function word a reference to the function ("the board threshold").
FUNCTION_HEADS = frozenset(
    {
        "approval",
        "approvals",
        "sign",
        "signoff",
        "sign-off",
        "review",
        "threshold",
        "meeting",
        "agenda",
        "packet",
        "committee",
        "team",
        "department",
        "side",
        "folks",
        "group",
        "people",
        "vote",
        "decision",
        "budget",
        "process",
    }
)
# A speaker's own title containing these words shows the speaker belongs to that function.
FUNCTION_TITLE_WORDS: dict[str, tuple[str, ...]] = {
    "finance": ("finance", "financial", "cfo", "controller", "treasurer", "accounting", "comptroller"),
    "procurement": ("procurement", "purchasing", "sourcing", "buyer"),
    "legal": ("legal", "counsel", "lawyer", "attorney"),
    "it security": ("security", "ciso", "infosec"),
    "it": ("it", "technology", "cio", "cto", "systems"),
    "compliance": ("compliance",),
    "hr": ("hr", "people", "human resources"),
    "board": ("board", "trustee"),
}
# Seller-side roles a buyer may name ("our account manager at Ledgerly"): never a stakeholder.
SELLER_TITLES = re.compile(
    r"\b(?:account\s+(?:manager|executive|rep)|sales\s*(?:rep|person|guy)|csm|"
    r"customer\s+success(?:\s+manager)?)\b",
    re.IGNORECASE,
)


def _compile(table: dict[str, str]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(rf"\b(?:{p})\b", re.IGNORECASE), k) for p, k in table.items()]


TITLE_RE = _compile(TITLES)
FUNCTION_RE = _compile(FUNCTIONS)


def title_key(text: str | None) -> str | None:
    """The canonical role of a spoken or written title ("Chief Financial Officer" -> "cfo")."""
    if not text:
        return None
    for rx, key in TITLE_RE:
        m = rx.search(text)
        if m and m.group(0).strip():
            if key in {"director", "head", "vp", "manager"}:
                # Keep the area: "director of technology" and "director of finance" are different people.
                return re.sub(r"\s+", " ", m.group(0).lower().strip())
            return key
    return None


def function_key(text: str) -> str | None:
    for rx, key in FUNCTION_RE:
        if rx.search(text):
            return key
    return None

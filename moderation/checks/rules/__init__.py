"""One module per guideline; each exposes ``run(text, context) -> list[Finding]``.

``text`` is a ``Normalized`` comment; rules report spans of the folded text
through ``finding()``, which maps them back to the original comment so that
``evidence == original[start:end]`` always holds.
"""

from __future__ import annotations

from ..normalize import Normalized
from ..values import Finding


def finding(text: Normalized, category: str, rule: str, start: int, end: int, score: float) -> Finding:
    s, e, evidence = text.evidence(start, end)
    return Finding(category, rule, s, e, evidence, max(0.0, min(1.0, float(score))))

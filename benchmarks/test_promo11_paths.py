"""The eleventh pass's rewrite of finding construction gives exactly what
the code it replaces gave (seeded, nothing timed): ``rules.finding`` (and
``WordSpanFindings.add``, which now calls it) maps a span and builds the
``Finding`` in one call, where it chained ``Normalized.evidence``,
``Normalized.span``, ``_clamped`` and ``make_finding``.  The code as it read
before is kept here as the reference.
"""

from __future__ import annotations

import math
import random

import pytest

from benchmarks import search_adversarial as sa
from benchmarks.test_promo_paths import _PIECES
from moderation.checks import engine
from moderation.checks.normalize import IGNORABLE, Normalized
from moderation.checks.rules import MAX_PER_RULE, WordSpanFindings, finding
from moderation.checks.values import Finding, make_finding

# -- the reference: the code as it read before ----------------------------------------------


def ref_clamped(score: float) -> float:
    score = float(score)
    return score if 0.0 < score < 1.0 else max(0.0, min(1.0, score))


def ref_finding(text: Normalized, category: str, rule: str, start: int, end: int, score: float) -> Finding:
    s, e, evidence = text.evidence(start, end)
    return make_finding(category, rule, s, e, evidence, ref_clamped(score))


class RefWordSpanFindings:
    def __init__(self, text: Normalized, category: str) -> None:
        self.text = text
        self.category = category
        self.findings: list[Finding] = []
        self._taken: set[int] = set()
        self._per_rule: dict[str, int] = {}

    def add(self, first: int, last: int, score: float, rule: str) -> None:
        count = self._per_rule.get(rule, 0)
        if count >= MAX_PER_RULE:
            return
        words = range(first, last + 1)
        if not self._taken.isdisjoint(words):
            return
        self._per_rule[rule] = count + 1
        self._taken.update(words)
        text = self.text
        starts, ends = text._bounds
        s, e, evidence = text.evidence(starts[first], ends[last])
        self.findings.append(make_finding(self.category, rule, s, e, evidence, ref_clamped(score)))


# -- bodies -----------------------------------------------------------------------------------

# Pieces that fold to the ignorable placeholder, expand ("ﬁ", full-width
# letters), or are non-ASCII digits and letters, so the spans' edges and the
# offset maps (none, a list, a numpy array) all come up.
_ODD = ["\u200b", "\u00ad", "\u0301", "\ufeff", "ﬁ", "ｆｕｃｋ", "Вuggеr", "٣", "€", "…", "ß", "\ud800"]


def _bodies(seed: int) -> list[str]:
    rnd = random.Random(seed)
    words, groups = sa.vocabulary()
    gen = sa.Generator(rnd, words, groups)
    out = []
    for _ in range(150):
        # Periodic bodies as the adversarial search renders them.
        genome = [gen.chunk() for _ in range(rnd.randint(1, 40))]
        if rnd.random() < 0.5:
            genome += rnd.choices(_PIECES + _ODD, k=rnd.randint(1, 20))
            rnd.shuffle(genome)
        out.append(sa.render(genome, rnd.choice((60, 400, 2500, 5000))))
    for _ in range(300):
        # Non-periodic ones, short and long.
        out.append("".join(rnd.choices(_PIECES + _ODD * 3, k=rnd.randint(1, 400))))
    return out


def _same(a: list[Finding], b: list[Finding]) -> bool:
    """Equal findings, NaN scores and the sign of zero included (``==`` on a
    NaN score is false, and ``0.0 == -0.0``)."""
    return len(a) == len(b) and all(
        (x.category, x.rule, x.start, x.end, x.evidence) == (y.category, y.rule, y.start, y.end, y.evidence)
        and type(x) is type(y) is Finding
        and (math.isnan(x.score) and math.isnan(y.score) or repr(x.score) == repr(y.score))
        for x, y in zip(a, b)
    )


_SCORES = (0.5, 0.95, 0.0, -0.0, 1.0, 1, 0, 2, -3, 1.5, -0.2, float("nan"), float("inf"), 0.3000000001, True)


# -- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_finding_matches_evidence_and_make_finding(seed):
    rnd = random.Random(seed)
    kinds = {"identity": 0, "list": 0, "array": 0}
    trimmed = 0
    for raw in _bodies(seed):
        text = Normalized(raw)
        norm = text.norm
        kinds["array" if text._offset_array is not None else "list" if text.offsets is not None else "identity"] += 1
        size = len(norm)
        spans = [(s, rnd.randint(s, min(size, s + 40))) for s in (rnd.randint(0, size) for _ in range(30))]
        # Spans starting or ending at an ignorable character, empty spans, the ends of the text.
        marks = [i for i, c in enumerate(norm) if c == IGNORABLE]
        spans += [(i, rnd.randint(i, size)) for i in rnd.sample(marks, min(5, len(marks)))]
        spans += [(rnd.randint(0, i), i + 1) for i in rnd.sample(marks, min(5, len(marks)))]
        spans += [(0, size), (size, size), (0, 0), (size // 2, size // 2)]
        for start, end in spans:
            trimmed += start < end and (norm[start] == IGNORABLE or norm[end - 1] == IGNORABLE)
            score = rnd.choice(_SCORES)
            expected = ref_finding(text, "promotion", "promotion.pitch", start, end, score)
            assert _same([finding(text, "promotion", "promotion.pitch", start, end, score)], [expected]), (raw, start)
    assert min(kinds.values()) > 10 and trimmed > 100  # every offset map, and trimmed edges, were tried


@pytest.mark.parametrize("seed", [3, 4])
def test_word_span_findings_match_the_old_add(seed):
    rnd = random.Random(seed)
    added = 0
    for raw in _bodies(seed):
        text = Normalized(raw)
        n = len(text.words)
        if not n:
            continue
        new, old = WordSpanFindings(text, "threat"), RefWordSpanFindings(text, "threat")
        for _ in range(rnd.randint(1, 40)):
            first = rnd.randrange(n)
            last = min(n - 1, first + rnd.randint(0, 3))
            score, rule = rnd.choice(_SCORES), rnd.choice(("threat.a", "threat.b", "threat.c"))
            new.add(first, last, score, rule)
            old.add(first, last, score, rule)
        assert _same(new.findings, old.findings), raw
        added += len(old.findings)
    assert added > 1000


def test_engine_findings_on_periodic_bodies_match_the_old_construction(monkeypatch):
    """Every rule's findings, built by the old chain (patched in) and the new one."""
    bodies = _bodies(7)[:60] + [(sa.Path(sa.__file__).parent / "adversarial_worst.txt").read_text("utf-8")]
    context = sa.load_checks(None).context
    new = [[rule(Normalized(raw), context) for rule in engine.RULES] for raw in bodies]
    import moderation.checks.rules as rules_pkg

    monkeypatch.setattr(rules_pkg.WordSpanFindings, "add", RefWordSpanFindings.add)
    for module in {rule.__module__ for rule in engine.RULES}:
        mod = __import__(module, fromlist=["_"])
        if getattr(mod, "finding", None) is finding:
            monkeypatch.setattr(mod, "finding", ref_finding)
    old = [[rule(Normalized(raw), context) for rule in engine.RULES] for raw in bodies]
    assert all(_same(a, b) for x, y in zip(new, old) for a, b in zip(x, y))
    assert sum(len(a) for x in old for a in x) > 300

"""The seventh pass's rewrites of the remaining rules give exactly what the
code they replace gave (seeded, nothing timed): each is compared with the
plain code, kept here as the reference."""

from __future__ import annotations

import random
from dataclasses import astuple, fields
from itertools import chain
from operator import attrgetter

import pytest

from benchmarks import search_adversarial as sa
from moderation.checks import engine
from moderation.checks.model import shipped_model
from moderation.checks.normalize import Normalized
from moderation.checks.rules import off_topic
from moderation.checks.values import CheckContext, Finding, Report, make_finding

# -- off_topic ------------------------------------------------------------------------------


def _ref_word_stems(word: str) -> tuple[str, ...] | None:
    if len(word) >= 3 and word not in off_topic.STOP_WORDS and not word[0].isdigit():
        return tuple(off_topic._stem(w) for w in off_topic._WORD.findall(word) if w not in off_topic.STOP_WORDS)
    return None


def ref_off_topic(text: Normalized, context: CheckContext) -> list[Finding]:
    """``off_topic.run`` as it read before: stems per word as tuples, tested in one walk."""
    if not (context.article_title or context.article_body):
        return []
    stems = list(map(_ref_word_stems, text.wordset))
    if not off_topic.article_stems(context.article_title, context.article_body).isdisjoint(
        chain.from_iterable(filter(None, stems))
    ):
        return []
    if len(stems) - stems.count(None) < off_topic.MIN_CONTENT_WORDS:
        return []
    comment = frozenset(chain.from_iterable(filter(None, stems)))
    if len(comment) < off_topic.MIN_CONTENT_WORDS:
        return []
    original = text.original
    start = len(original) - len(original.lstrip())
    end = len(original.rstrip())
    return [Finding("off_topic", "off_topic.no_shared_words", start, end, original[start:end], off_topic.SCORE)]


_ARTICLES = [
    ("Drone attacks on the base", "Militias claimed responsibility for rockets near Hasaka."),
    ("", "Budget vote delayed"),
    ("Local elections", ""),
    ("Cafe co-op", "The naive baker's 9lives bread"),
    ("Abc", "def"),
]


@pytest.mark.parametrize(("seed", "small"), [(1, False), (2, False), (3, False), (4, True), (5, True)])
def test_off_topic_matches_the_plain_code(seed, small, monkeypatch):
    """The eighth pass reads the comment's words against per-article sets of words already
    tested (``_ArticleWords``); with ``small`` their bounds are tiny, so they are emptied often."""
    if small:
        monkeypatch.setattr(off_topic, "_ARTICLE_WORDS", 40)
        monkeypatch.setattr(off_topic, "_ARTICLES_KEPT", 2)
        monkeypatch.setattr(off_topic, "_MEMO_SIZE", 30)
    off_topic._BY_ARTICLE.clear()
    rnd = random.Random(seed)
    vocab = ["the", "and", "you", "a", "ok", "it's", "don't", "militias", "drone", "base", "budget", "vote"]
    vocab += ["9lives", "abc1def", "x2y", "café", "naïve", "co-op", "hasaka", "rockets", "elections", "local's"]
    vocab += ["abc", "abcs", "bread", "baker's", "'''", "a1b2c3", "xx'yy", "ŝtrange", "bąse", "b r e a d"]
    vocab += ["".join(rnd.choices("abcdefghijklmnopqrstuvwxyz'1", k=rnd.randint(1, 10))) for _ in range(300)]
    findings = 0
    for _ in range(3000):
        words = rnd.choices(vocab, k=rnd.choice((1, 5, 11, 12, 13, 20, 60, 300)))
        raw = rnd.choice(("", "  ", "\n")) + " ".join(words) + rnd.choice(("", " ", ".\n"))
        title, body = _ARTICLES[rnd.randrange(len(_ARTICLES))]
        context = CheckContext(article_title=title, article_body=body)
        text = Normalized(raw)
        expected = ref_off_topic(text, context)
        assert off_topic.run(text, context) == expected, raw
        findings += bool(expected)
    assert off_topic.run(Normalized("anything at all"), CheckContext()) == []
    assert 100 < findings < 2900  # both answers were tried
    # Hostile bodies of the adversarial search (look-alikes, leet, spelled-out words ...).
    words, groups = sa.vocabulary()
    gen = sa.Generator(rnd, words, groups)
    for _ in range(40):
        raw = sa.render([gen.chunk() for _ in range(rnd.randint(1, 60))], rnd.choice((400, 2500, 5000)))
        title, body = _ARTICLES[rnd.randrange(len(_ARTICLES))]
        context = CheckContext(article_title=title, article_body=body)
        text = Normalized(raw)
        assert off_topic.run(text, context) == ref_off_topic(text, context), raw


# -- findings and the engine's merge --------------------------------------------------------


def test_make_finding_is_the_dataclass_constructor():
    assert not hasattr(Finding, "__post_init__")  # make_finding would skip it
    assert [f.name for f in fields(Finding)] == ["category", "rule", "start", "end", "evidence", "score"]
    rnd = random.Random(4)
    for _ in range(2000):
        args = (
            rnd.choice(("abuse", "threat", "")),
            rnd.choice(("model", "promotion.link")),
            rnd.randint(0, 99),
            rnd.randint(0, 99),
            rnd.choice(("x", "", "idiot")),
            rnd.random(),
        )
        made, plain = make_finding(*args), Finding(*args)
        assert type(made) is Finding
        assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
        assert made.to_dict() == plain.to_dict()
        assert astuple(made) == astuple(plain) == args


def ref_check(text: str, context: CheckContext) -> Report:
    """``engine.check`` as it read before: merged by (category, rule, start, end), sorted by a key."""
    normalized = Normalized(text)
    merged: dict[tuple[str, str, int, int], Finding] = {}
    for rule in engine.RULES:
        for f in rule(normalized, context):
            key = (f.category, f.rule, f.start, f.end)
            old = merged.get(key)
            if old is None or f.score > old.score:
                merged[key] = f
    model = context.model
    assessment = model.assess(normalized)
    for f in assessment.findings:
        merged.setdefault((f.category, f.rule, f.start, f.end), f)
    findings = tuple(sorted(merged.values(), key=attrgetter("start", "end", "category", "rule")))
    return Report(findings, engine.priority(findings, assessment.scores), model.version, assessment.scores)


def test_check_merges_and_orders_as_before():
    rnd = random.Random(8)
    pieces = ["you idiot", "kill", "you", "buy now", "www.x.com", "bit.ly/a", "call 0800 123 4567", "free prize"]
    pieces += ["fuck", "shit", "stupid", "moron", "!", ".", " ", "\n", "I will find you", "subscribe to my channel"]
    context = CheckContext(article_title="Drone attacks", article_body="Militias near the base.", model=shipped_model())
    flagged = 0
    for _ in range(400):
        text = " ".join(rnd.choices(pieces, k=rnd.randint(1, 80)))
        report = engine.check(text, context)
        assert report == ref_check(text, context), text
        flagged += len(report.findings) > 3
    assert flagged > 50

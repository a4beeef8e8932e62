"""The bounds on hostile text (issue #11, third pass): never reached by
typical comments, and on capped hostile bodies the flagged categories are
those of the uncapped reference (``CAPS = False``).  Seeded, not timed."""

from __future__ import annotations

import random
from contextlib import contextmanager

import pytest

from benchmarks import search_adversarial as sa
from benchmarks.bench_checks import adversarial, dense, make_text
from moderation.checks import wordmatch
from moderation.checks.normalize import Normalized
from moderation.checks.rules import personal_attack


@contextmanager
def caps(on: bool):
    old = wordmatch.CAPS, personal_attack.CAPS
    wordmatch.CAPS = personal_attack.CAPS = on
    try:
        yield
    finally:
        wordmatch.CAPS, personal_attack.CAPS = old


@pytest.fixture(scope="module")
def run():
    return sa.load_checks(None)


def cap_reached(body: str, context) -> bool:
    with caps(True):
        text = Normalized(body)
        personal_attack.run(text, context)
        return wordmatch.cap_hit(text) is not None or bool(text.__dict__.get("_insult_cap_hit"))


def counts(body: str) -> tuple[int, int, int]:
    text = Normalized(body)
    return len(wordmatch.leet_words(text)), len(wordmatch.slow_tokens(text)), len(wordmatch.spelled_runs(text))


def test_caps_are_far_above_typical_comments(run):
    # Generated realistic comments (the benchmark's ordinary text, every
    # length up to 5,000 characters): far below every cap, and the report is
    # the uncapped one.
    rnd = random.Random(20261202)
    for _ in range(40):
        body = make_text(rnd.choice((80, 300, 1000, 2500, 5000)), rnd.randrange(1 << 20))
        leet, slow, spelled = counts(body)
        assert leet * 4 <= wordmatch.MAX_TOKENS and slow * 2 <= wordmatch.MAX_TOKENS
        assert spelled * 4 <= wordmatch.MAX_SPELLED
        assert not cap_reached(body, run.context)
        with caps(False):
            uncapped = run(body).to_dict()
        assert run(body).to_dict() == uncapped


def hostile_bodies(n: int) -> list[str]:
    words, groups = sa.vocabulary()
    gen = sa.Generator(random.Random(11), words, groups)
    out = [sa.issue_shape(words), dense(5000), adversarial(5000)]
    if sa.DEFAULT_OUT.exists():
        out.append(sa.DEFAULT_OUT.read_text("utf-8"))
    rnd = random.Random(7)
    for _ in range(n):
        genome = (
            rnd.choice(sa.seed_genomes(gen)) if rnd.random() < 0.3 else [gen.chunk() for _ in range(rnd.randint(5, 40))]
        )
        for _ in range(rnd.randint(0, 8)):
            genome = sa.mutate(gen, genome, rnd.choice((genome, [gen.chunk()])))
        out.append(sa.render(genome, 5000))
    return out


def test_capped_hostile_bodies_keep_their_categories(run):
    reached = 0
    for body in hostile_bodies(60):
        capped = run(body)
        with caps(False):
            uncapped = run(body)
        if not cap_reached(body, run.context):
            assert capped.to_dict() == uncapped.to_dict()
            continue
        reached += 1
        got = {f.category for f in capped.findings}
        want = {f.category for f in uncapped.findings}
        # Nothing is lost; the only categories added are the explicit flags of
        # a cap ("*_flood" findings, made only where the rule found nothing).
        assert got >= want
        assert {f.category for f in capped.findings if not f.rule.endswith("_flood")} == want
        assert capped.priority >= uncapped.priority
    assert reached >= 5  # the bodies do reach the caps


def test_a_cap_flags_what_it_stops_reading(run):
    # 200 innocuous leet tokens, then a masked swear word: the matchers stop
    # before it, and the comment is flagged for profanity all the same.
    body = " ".join(f"v{k % 10}rsion{k % 7}b" for k in range(200)) + " f*ck"
    assert counts(body)[0] > wordmatch.MAX_TOKENS
    with caps(False):
        uncapped = {f.category for f in run(body).findings}
    report = run(body)
    assert "profanity" in uncapped
    assert "profanity" in {f.category for f in report.findings}

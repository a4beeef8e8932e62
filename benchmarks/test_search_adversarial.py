"""The adversarial search script still runs (tiny budget, nothing timed)."""

from __future__ import annotations

import random

from benchmarks import search_adversarial as sa


def test_search_runs_and_writes_a_body_of_the_asked_length(tmp_path):
    out = tmp_path / "worst.txt"
    summary = sa.main(
        [
            "--seconds",
            "0.2",
            "--seed",
            "1",
            "--reps",
            "1",
            "--final-reps",
            "1",
            "--mu",
            "2",
            "--lam",
            "2",
            "--out",
            str(out),
            "--json",
        ]
    )
    body = out.read_text("utf-8")
    assert len(body) == 5000
    assert summary["worst"] in summary["cpu_median_ms"]
    assert summary["cpu_median_ms"]["ordinary 5,000-character comment"] > 0
    assert "issue shape (Cyrillic look-alikes, dense trigger words)" in summary["ratio_to_ordinary"]


def test_measure_mode_reads_bodies_and_writes_nothing(tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("fսсk yоu іdіоt " * 400, encoding="utf-8")
    summary = sa.main(["--measure", str(body), "--final-reps", "1", "--json"])
    assert str(body) in summary["cpu_median_ms"]
    assert summary["worst"] == str(body)
    assert "out" not in summary


def test_bodies_are_seeded_and_of_the_asked_length():
    words, groups = sa.vocabulary()
    first = [sa.render(g, 5000) for g in sa.seed_genomes(sa.Generator(random.Random(7), words, groups))]
    again = [sa.render(g, 5000) for g in sa.seed_genomes(sa.Generator(random.Random(7), words, groups))]
    assert first == again
    assert {len(b) for b in first} == {5000}
    shape = sa.issue_shape(words)
    assert len(shape) == 5000
    # Mostly look-alike letters that fold back to the trigger words.
    assert sum(ord(c) > 127 for c in shape) > 1000


def test_mutations_keep_genomes_bounded():
    words, groups = sa.vocabulary()
    gen = sa.Generator(random.Random(3), words, groups)
    genome = [gen.chunk() for _ in range(20)]
    for _ in range(300):
        genome = sa.mutate(gen, genome, genome) or [gen.chunk()]
        assert len(genome) <= sa.MAX_CHUNKS
        assert len(sa.render(genome, 5000)) == 5000

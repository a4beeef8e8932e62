"""Benchmark the guideline checks against better-profanity.

Run from the repository root:

    .venv/bin/python benchmarks/bench_checks.py

Prints a Markdown table: the rules alone and the whole check (rules and the
shipped learned model, as on the submit path) side by side on the same texts,
with better-profanity's ``contains_profanity`` for scale.  Targets (issue
#10): whole check CPU p99 <= 2 ms on an ordinary 5,000-character comment and
<= 5 ms on one dense with violations; 100,000 adversarial characters under
50 ms; engine load (imports, model, first check) <= 1.5 s and <= 150 MB.
Takes about a minute; the slow part is ``contains_profanity`` (~1 s per
5,000 characters), which therefore gets only a few repetitions.  The last
rows are the shapes adversarial search found (issue #11): dense trigger words
written in look-alike letters, and the worst body of the recorded search
(``benchmarks/adversarial_worst.txt``, from ``search_adversarial.py``).
(``--model``: the old measurement of alt-profanity-check, see ``model_section``.)
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Sentences written for this benchmark: news-comment style, a few of them
# with violations so every rule does real work.
SENTENCES = (
    "The drone attacks on the base show how fragile the situation in the region has become.",
    "I think Washington should be careful before escalating, because civilians always pay the price.",
    "Thanks to the reporter for a balanced piece on a complicated conflict.",
    "The militias claimed responsibility, but the monitor's numbers do not add up to me.",
    "You are an idiot if you believe either government's statements at face value.",
    "What the hell is the coalition doing there after all these years?",
    "Airstrikes in eastern Syria will not stop the rockets, history tells us that much.",
    "Check out my channel for daily analysis, link in bio!",
    "The Kurdish forces have been the most reliable partner against ISIS for a decade.",
    "Oil prices, elections and regional rivalries all shape these decisions.",
    "This is such bullshit, nobody in parliament even read the agreement.",
    "Local families near Hasaka have been displaced three times since 2014.",
)


def _compose(sentences, n_chars: int, seed: int) -> str:
    """Sentences drawn at random (seeded) until the text is ``n_chars`` long."""
    rnd = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < n_chars:
        s = rnd.choice(sentences)
        parts.append(s)
        size += len(s) + 1
    return " ".join(parts)[:n_chars]


def make_text(n_chars: int, seed: int) -> str:
    return _compose(SENTENCES, n_chars, seed)


# Sentences written for this benchmark, every one a violation: swearing,
# insults (plain, obfuscated, compound), group abuse and links, so every
# rule finds something in almost every sentence.
DENSE = (
    "You are a fucking idiot and a lying piece of shit, shut up.",
    "What a moron, go fuck yourself you stupid dumbass loser.",
    "Check out bit.ly/xyz and www.example.com for cheap pills!!!",
    "These politicians are all corrupt idiots and cowards, damn them.",
    "You i d i o t, your brain-dead takes are pathetic bullshit.",
    "Shithead, nobody asked you, you clueless fucktard.",
    "Immigrants are vermin and all of them are criminals.",
    "Fuck off, asshole, you are a disgrace and a total clown.",
    "@someone you dumb bitch, what a pathetic joke you are.",
    "Typical journalists, lying scum, every single one of them.",
)


def dense(n_chars: int, seed: int = 3) -> str:
    return _compose(DENSE, n_chars, seed)


def adversarial(n_chars: int) -> str:
    """Near-matches, separators, stretched letters and confusables."""
    chunks = (
        "f.u.c.x ",
        "s h i 7 ",
        "fuuuuuuuuuuuuuuuuuuuuck",
        "a-a-a-a-a-a-a-a-a-a ",
        "fսсkk\u200b\u200b ",
        "****#### ",
        "@$$$$$$$$$x ",
        "b!!!!!!!!tchy ",
        "y o u   a r e   a n   i d i o t x ",
        "1111111111 ",
        "www.www.www.www ",
        "+1 (555) 555-55 ",
        "a" * 300 + " ",
        "ñ̸̸̸̸̸̸ ",
        "k i l l k i l l ",
    )
    rnd = random.Random(7)
    out: list[str] = []
    size = 0
    while size < n_chars:
        c = rnd.choice(chunks)
        out.append(c)
        size += len(c)
    return "".join(out)[:n_chars]


def attack_cases() -> list[tuple[str, str, int, int]]:
    """The shapes adversarial search found (issue #11): dense trigger words in
    Cyrillic look-alikes, and the worst body of the last recorded search
    (``benchmarks/adversarial_worst.txt``, see ``search_adversarial.py``)."""
    from benchmarks.search_adversarial import DEFAULT_OUT, issue_shape, vocabulary

    words, _ = vocabulary()
    cases = [("5,000 chars look-alikes + dense triggers", issue_shape(words), 0, 300)]
    if DEFAULT_OUT.exists():
        cases.append(("5,000 chars search worst (adversarial_worst.txt)", DEFAULT_OUT.read_text("utf-8"), 0, 300))
    return cases


def timeit(fn, text: str, reps: int, clock=time.perf_counter) -> list[float]:
    times = []
    for _ in range(reps):
        t0 = clock()
        fn(text)
        times.append(clock() - t0)
    return times


def cpu_times(fn, text: str, reps: int) -> list[float]:
    """CPU time of this process per call: on a shared 2-core machine the
    wall-clock p99 mostly measures the neighbours, CPU time the engine."""
    return timeit(fn, text, reps, clock=time.process_time)


def p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def fmt(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


LOAD_SCRIPT = """
import os, sys, time
def rss():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
sys.path.insert(0, sys.argv[1])
before = rss()
t0 = time.perf_counter()
from moderation.checks import CheckContext, check
from moderation.checks.model import shipped_model
check("warm up: fuck f.u.c.k you idiot bit.ly/x", CheckContext(article_title="t", article_body="b", model=shipped_model()))
print(time.perf_counter() - t0, rss() - before)
"""


def cold_load() -> tuple[float, float]:
    """Seconds and MB of resident memory to import the engine, load the model and check once, in a new process."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(Path(__file__).resolve().parent.parent)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    loads = [cold_load() for _ in range(5)]
    load_seconds = statistics.median(x[0] for x in loads)
    engine_rss = statistics.median(x[1] for x in loads)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    from moderation.checks import CheckContext, check
    from moderation.checks.model import shipped_model

    model = shipped_model()
    with_model = CheckContext(model=model)
    check("warm up: fuck f.u.c.k you idiot bit.ly/x", CheckContext(article_title="t", article_body="b", model=model))
    engine_bytes = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()

    def whole(text):  # the submit path: rules and the learned layer
        return check(text, with_model)

    from better_profanity import profanity

    profanity.load_censor_words()

    print(
        f"Model {model.version}; rules alone (`check(text)`) and the whole check with the learned layer "
        "(`check(text, CheckContext(model=...))`) timed side by side on the same texts."
    )
    print()
    print(
        "| input | contains_profanity median | rules median | whole check median | whole check p99 | "
        "speed-up vs better-profanity (whole, median) | rules CPU p99 | whole check CPU median | whole check CPU p99 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    cases = [
        ("500 chars comment", make_text(500, 1), 15, 3000),
        ("5,000 chars comment", make_text(5000, 2), 3, 1000),
        ("5,000 chars dense violations", dense(5_000), 0, 1000),
        ("5,000 chars adversarial", adversarial(5_000), 0, 300),
        *attack_cases(),
    ]
    results = {}
    for name, text, bp_reps, reps in cases:
        bp = timeit(profanity.contains_profanity, text, bp_reps) if bp_reps else []
        rules_wall = timeit(check, text, reps)
        rules_cpu = cpu_times(check, text, reps)
        wall = timeit(whole, text, reps)
        cpu = cpu_times(whole, text, reps)
        results[name] = cpu
        bp_median = fmt(statistics.median(bp)) if bp else "–"
        ratio = f"{statistics.median(bp) / statistics.median(wall):,.0f}x" if bp else "–"
        print(
            f"| {name} | {bp_median} | {fmt(statistics.median(rules_wall))} | {fmt(statistics.median(wall))} | "
            f"{fmt(p99(wall))} | {ratio} | {fmt(p99(rules_cpu))} | {fmt(statistics.median(cpu))} | {fmt(p99(cpu))} |"
        )
    adv = adversarial(100_000)
    adv_rules = timeit(check, adv, 9)
    adv_wall = timeit(whole, adv, 9)
    adv_cpu = cpu_times(whole, adv, 9)
    print(
        f"| 100,000 chars adversarial | – | {fmt(statistics.median(adv_rules))} | {fmt(statistics.median(adv_wall))} | "
        f"{fmt(max(adv_wall))} (max) | – | – | {fmt(statistics.median(adv_cpu))} | {fmt(max(adv_cpu))} (max) |"
    )
    print()
    print(f"Load average during the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    print()
    print(
        f"Engine load in a new process (import rules and numpy, load the model, first check; median of 5): "
        f"{load_seconds:.2f} s, {engine_rss:.1f} MB resident; {engine_bytes / 2**20:.1f} MB traced by tracemalloc"
    )
    print()
    print("| target | result |")
    print("| --- | --- |")
    ordinary = p99(results["5,000 chars comment"])
    dense_p99 = p99(results["5,000 chars dense violations"])
    print(
        f"| whole check, 5,000 chars ordinary: CPU p99 <= 2 ms | {'met' if ordinary <= 2e-3 else 'NOT met'} ({fmt(ordinary)}) |"
    )
    print(
        f"| whole check, 5,000 chars dense: CPU p99 <= 5 ms | {'met' if dense_p99 <= 5e-3 else 'NOT met'} ({fmt(dense_p99)}) |"
    )
    print(
        f"| 100,000-char adversarial < 50 ms (wall max / CPU max) | {'met' if max(adv_wall) < 0.05 else 'NOT met'} / "
        f"{'met' if max(adv_cpu) < 0.05 else 'NOT met'} |"
    )
    print(f"| engine load <= 1.5 s | {'met' if load_seconds <= 1.5 else 'NOT met'} ({load_seconds:.2f} s) |")
    print(f"| engine <= 150 MB | {'met' if max(engine_bytes / 2**20, engine_rss) <= 150 else 'NOT met'} |")


def model_section() -> None:
    """Cost of alt-profanity-check (a scikit-learn model), measured but not used.

    Only runs where the package is installed (it is NOT a project
    dependency): ``python benchmarks/bench_checks.py --model`` in a venv with
    ``alt-profanity-check==1.9.1``.
    """
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        from profanity_check import predict_prob
    except ImportError:
        print("alt-profanity-check is not installed; model section skipped")
        return
    predict_prob(["warm up"])
    load = time.perf_counter() - t0
    model_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    from moderation.checks import check

    print()
    print("| input | check() median | predict_prob median | predict_prob p99 | check() + model median |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for size, seed, reps in ((500, 1, 300), (5000, 2, 200)):
        text = make_text(size, seed)
        ours = timeit(check, text, reps)
        model = timeit(lambda t: predict_prob([t]), text, reps)
        both = timeit(lambda t: (check(t), predict_prob([t])), text, reps)
        print(
            f"| {size:,} chars | {fmt(statistics.median(ours))} | {fmt(statistics.median(model))} | "
            f"{fmt(p99(model))} | {fmt(statistics.median(both))} |"
        )
    print()
    print(f"Model load (import + first call): {load:.1f} s, {model_bytes / 2**20:.1f} MB (tracemalloc)")


if __name__ == "__main__":
    if "--model" in sys.argv:
        model_section()
    else:
        main()

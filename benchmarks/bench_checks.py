"""Benchmark the guideline checks against better-profanity.

Run from the repository root:

    .venv/bin/python benchmarks/bench_checks.py

Prints a Markdown table (``--model``: the cost of the optional learned model
instead, see ``model_section``).  Targets: ``check()`` at least 1,000x faster than
``better_profanity.profanity.contains_profanity`` on 5,000 characters, p99
under 1 ms at 5,000 characters, a 100,000-character adversarial input under
50 ms, and the loaded engine under 50 MB (tracemalloc).  Takes about a
minute; the slow part is ``contains_profanity`` (~1 s per 5,000 characters),
which therefore gets only a few repetitions.
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


def make_text(n_chars: int, seed: int) -> str:
    rnd = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < n_chars:
        s = rnd.choice(SENTENCES)
        parts.append(s)
        size += len(s) + 1
    return " ".join(parts)[:n_chars]


def adversarial(n_chars: int) -> str:
    """Near-matches, separators, stretched letters and confusables."""
    chunks = (
        "f.u.c.x ", "s h i 7 ", "fuuuuuuuuuuuuuuuuuuuuck", "a-a-a-a-a-a-a-a-a-a ",
        "fսсkk\u200b\u200b ", "****#### ", "@$$$$$$$$$x ", "b!!!!!!!!tchy ",
        "y o u   a r e   a n   i d i o t x ", "1111111111 ", "www.www.www.www ",
        "+1 (555) 555-55 ", "a" * 300 + " ", "ñ̸̸̸̸̸̸ ", "k i l l k i l l ",
    )
    rnd = random.Random(7)
    out: list[str] = []
    size = 0
    while size < n_chars:
        c = rnd.choice(chunks)
        out.append(c)
        size += len(c)
    return "".join(out)[:n_chars]


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


def main() -> None:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    from moderation.checks import CheckContext, check  # noqa: E402 (measured import)

    check("warm up: fuck f.u.c.k you idiot bit.ly/x", CheckContext(article_title="t", article_body="b"))
    engine_bytes = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()

    from better_profanity import profanity

    profanity.load_censor_words()

    rows = []
    for size, seed, bp_reps, our_reps in ((500, 1, 15, 3000), (5000, 2, 3, 1000)):
        text = make_text(size, seed)
        bp_times = timeit(profanity.contains_profanity, text, bp_reps)
        our_times = timeit(check, text, our_reps)
        rows.append((size, bp_times, our_times, cpu_times(check, text, our_reps)))

    adv = adversarial(100_000)
    adv_times = timeit(check, adv, 9)
    adv_cpu = cpu_times(check, adv, 9)
    adv_bp = adversarial(5_000)
    adv_small_times = timeit(check, adv_bp, 200)
    adv_small_cpu = cpu_times(check, adv_bp, 200)

    print("| input | contains_profanity median | contains_profanity p99 | check() median | check() p99 | speed-up (median) | check() CPU median | check() CPU p99 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, bp_times, our_times, our_cpu in rows:
        bm, om = statistics.median(bp_times), statistics.median(our_times)
        print(f"| {size:,} chars comment | {fmt(bm)} | {fmt(p99(bp_times))} | {fmt(om)} | {fmt(p99(our_times))} | {bm / om:,.0f}x "
              f"| {fmt(statistics.median(our_cpu))} | {fmt(p99(our_cpu))} |")
    print(f"| 5,000 chars adversarial | – | – | {fmt(statistics.median(adv_small_times))} | {fmt(p99(adv_small_times))} | – "
          f"| {fmt(statistics.median(adv_small_cpu))} | {fmt(p99(adv_small_cpu))} |")
    print(f"| 100,000 chars adversarial | – | – | {fmt(statistics.median(adv_times))} | {fmt(max(adv_times))} (max) | – "
          f"| {fmt(statistics.median(adv_cpu))} | {fmt(max(adv_cpu))} (max) |")
    print()
    print(f"Load average during the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    print()
    print(f"Loaded engine (import + first check, tracemalloc): {engine_bytes / 2**20:.1f} MB")
    ok5k = rows[1][1] and statistics.median(rows[1][1]) / statistics.median(rows[1][2]) >= 1000
    print()
    print("| target | result |")
    print("| --- | --- |")
    print(f"| ≥1,000x faster at 5,000 chars | {'met' if ok5k else 'NOT met'} |")
    print(f"| p99 < 1 ms at 5,000 chars (wall / CPU) | {'met' if p99(rows[1][2]) < 1e-3 else 'NOT met'} / {'met' if p99(rows[1][3]) < 1e-3 else 'NOT met'} |")
    print(f"| 100,000-char adversarial < 50 ms (wall max / CPU max) | {'met' if max(adv_times) < 0.05 else 'NOT met'} / {'met' if max(adv_cpu) < 0.05 else 'NOT met'} |")
    print(f"| engine < 50 MB | {'met' if engine_bytes < 50 * 2**20 else 'NOT met'} |")


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
        print(f"| {size:,} chars | {fmt(statistics.median(ours))} | {fmt(statistics.median(model))} | "
              f"{fmt(p99(model))} | {fmt(statistics.median(both))} |")
    print()
    print(f"Model load (import + first call): {load:.1f} s, {model_bytes / 2**20:.1f} MB (tracemalloc)")


if __name__ == "__main__":
    if "--model" in sys.argv:
        model_section()
    else:
        main()

"""Instruction counts of ``check()`` per text, load-independent (issue #15).

Run under callgrind from the repository root; every ``marker()`` call (one
``functools.reduce``, which the checks never call) dumps the counters, so
each dump file holds one measured segment:

    PYTHONHASHSEED=0 valgrind --tool=callgrind --dump-before=functools_reduce \\
        --callgrind-out-file=/tmp/cg/cg.out .venv/bin/python benchmarks/callgrind_checks.py
    grep -H '^summary' /tmp/cg/cg.out.*    # cg.out.1: imports and warm-up; then one file per row below

Segments, in order (each is ``N`` = 3 calls; divide by 3): for each text in
``CASES`` the rules alone, then the whole check (rules and the shipped
model); then the digit-heavy text with the phone-validation cache cleared
before every call (rules, whole).  ``--print`` shows the texts instead.
"""

from __future__ import annotations

import functools
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_checks import make_text  # noqa: E402
from moderation.checks import CheckContext, check  # noqa: E402
from moderation.checks.model import shipped_model  # noqa: E402

N = 3


def marker() -> None:
    functools.reduce(max, [0])


def dot_heavy(n: int = 5000, seed: int = 11) -> str:
    """Hostile: chains of labels that are top-level domains, English words or neither."""
    rnd = random.Random(seed)
    labels = [
        "it",
        "is",
        "to",
        "be",
        "so",
        "no",
        "my",
        "com",
        "xyz",
        "how",
        "now",
        "py",
        "ab",
        "zz",
        "q",
        "online",
        "co",
        "uk",
        "x1",
        "end",
    ]
    out, size = [], 0
    while size < n:
        chunk = ".".join(rnd.choice(labels) for _ in range(rnd.randint(1, 6))) + rnd.choice([" ", ".", ". ", "/", " "])
        out.append(chunk)
        size += len(chunk)
    return "".join(out)[:n]


def digit_heavy(n: int = 5000, seed: int = 12) -> str:
    """Hostile: phone-shaped runs: numbers, years, IP addresses, dates, order numbers."""
    rnd = random.Random(seed)

    def group() -> str:
        f = rnd.randint(0, 7)
        if f == 0:
            return "0" + "".join(rnd.choice("0123456789") for _ in range(10))
        if f == 1:
            return " ".join(str(rnd.randint(1990, 2030)) for _ in range(rnd.randint(2, 5)))
        if f == 2:
            return "+%d %d %d" % (rnd.randint(1, 99), rnd.randint(10, 999), rnd.randint(100000, 9999999))
        if f == 3:
            return "%d.%d.%d.%d" % tuple(rnd.randint(0, 255) for _ in range(4))
        if f == 4:
            return "%02d.%02d.%d %02d:%02d" % (
                rnd.randint(1, 28),
                rnd.randint(1, 12),
                rnd.randint(1990, 2030),
                rnd.randint(0, 23),
                rnd.randint(0, 59),
            )
        if f == 5:
            return "".join(rnd.choice("0123456789") for _ in range(rnd.randint(9, 15)))
        if f == 6:
            return "(%d) %d-%d" % (rnd.randint(200, 999), rnd.randint(200, 999), rnd.randint(1000, 9999))
        return "%d-%d-%d" % (rnd.randint(100, 999), rnd.randint(100, 999), rnd.randint(1000, 9999))

    out, size = [], 0
    while size < n:
        chunk = group() + rnd.choice([" ", ", ", " call ", " and ", "; "])
        out.append(chunk)
        size += len(chunk)
    return "".join(out)[:n]


CASES = (
    ("adversarial_worst", (ROOT / "benchmarks" / "adversarial_worst.txt").read_text("utf-8")),
    ("ordinary_5000", make_text(5000, 2)),  # bench_checks.py's "5,000 chars comment"
    ("dot_heavy_5000", dot_heavy()),
    ("digit_heavy_5000", digit_heavy()),
)


def main() -> None:
    if "--print" in sys.argv:
        for name, text in CASES:
            print(name, len(text), repr(text[:200]))
        return
    whole = CheckContext(model=shipped_model())
    for _, text in CASES:  # warm-up: every table, cache and lazy load filled
        check(text)
        check(text, whole)
    for _, text in CASES:
        for context in (None, whole):
            marker()
            for _ in range(N):
                check(text) if context is None else check(text, context)
    from moderation.checks.rules import promotion

    clear = getattr(getattr(promotion, "_valid_phone", None), "cache_clear", lambda: None)
    digits = dict(CASES)["digit_heavy_5000"]
    for context in (None, whole):
        marker()
        for _ in range(N):
            clear()
            check(digits) if context is None else check(digits, context)
    marker()


if __name__ == "__main__":
    main()

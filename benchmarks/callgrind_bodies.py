"""Instruction counts of the whole check per body, as the adversarial search runs it (issue #11).

Run under callgrind from the repository root; each ``functools.reduce`` call dumps the counters,
so ``OUT.2``, ``OUT.3``, ... hold the bodies in the order given (3 calls each, after 3 warm-up
calls of every body; divide by 3):

    .venv/bin/python benchmarks/callgrind_bodies.py --real /tmp/bodies   # writes real_clean.txt, real_all.txt
    PYTHONHASHSEED=0 valgrind --tool=callgrind --dump-before=functools_reduce \\
        --callgrind-out-file=/tmp/cg/o .venv/bin/python benchmarks/callgrind_bodies.py [--code-root DIR] BODY...
    grep -H '^summary' /tmp/cg/o.*

``--real DIR`` writes two 5,000-character bodies of real comments taken from
``../shared/eval/dev.csv`` where it lies (seeded shuffle; ``real_clean`` from rows labelled clean,
``real_all`` from every row) into DIR, outside the repository: eval rows are never committed.
``--code-root`` measures another checkout's ``moderation/checks`` (e.g. the code before a change).
"""

from __future__ import annotations

import argparse
import csv
import functools
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev.csv"
CALLS = 3


def write_real_bodies(out: Path, n_chars: int = 5000, seed: int = 1) -> None:
    with DEV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pools = {"real_clean": [r["text"] for r in rows if r["label"] == "clean"], "real_all": [r["text"] for r in rows]}
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for name, pool in pools.items():
        rnd.shuffle(pool)
        body = ""
        for text in pool:
            if len(body) + len(text) + 2 > n_chars:
                continue
            body += text + "\n\n"
            if len(body) > n_chars - 50:
                break
        (out / f"{name}.txt").write_text(body[:n_chars], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bodies", nargs="*", type=Path)
    parser.add_argument("--code-root", type=Path)
    parser.add_argument("--real", type=Path, help="write the real-comment bodies into this directory and stop")
    args = parser.parse_args()
    if args.real is not None:
        write_real_bodies(args.real)
        return
    sys.path.insert(0, str(ROOT))
    from benchmarks.search_adversarial import load_checks

    run = load_checks(args.code_root)
    bodies = [p.read_text(encoding="utf-8") for p in args.bodies]
    for body in bodies:
        for _ in range(CALLS):
            run(body)
    functools.reduce(max, [0])
    for body in bodies:
        for _ in range(CALLS):
            run(body)
        functools.reduce(max, [0])


if __name__ == "__main__":
    main()

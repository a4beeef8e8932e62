"""Paired CPU timing of ``check()`` for two copies of the code (issue #11).

    git worktree add --detach /tmp/before <commit>
    .venv/bin/python benchmarks/ab_checks.py /tmp/before . --reps 41 benchmarks/adversarial_worst.txt

One worker process per code root, each importing its own ``moderation.checks`` in the search's
submit-path context (``search_adversarial.load_checks``); every call is sent to both workers in turn
(order alternating per round), so both sides see the same machine at the same moments.  Prints the
median CPU time (``time.process_time_ns``) per body and the ratio; the first body is the ordinary
5,000-character comment of ``bench_checks``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

WORKER = r"""
import json, os, sys, time
root = sys.argv[1]
sys.path.insert(0, root)
os.chdir(root)
from benchmarks.search_adversarial import load_checks
run = load_checks(None)
bodies = json.loads(sys.stdin.readline())
for body in bodies:
    run(body)
    run(body)
print("ready", flush=True)
clock = time.process_time_ns
for line in sys.stdin:
    body = bodies[int(line)]
    t0 = clock()
    run(body)
    print(clock() - t0, flush=True)
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root_a", type=Path)
    parser.add_argument("root_b", type=Path)
    parser.add_argument("bodies", type=Path, nargs="*")
    parser.add_argument("--reps", type=int, default=41)
    args = parser.parse_intermixed_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.bench_checks import make_text

    names = ["ordinary 5,000 chars"] + [p.name for p in args.bodies]
    bodies = [make_text(5000, 2)] + [p.read_text("utf-8") for p in args.bodies]
    workers = []
    for root in (args.root_a, args.root_b):
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(root.resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(bodies) + "\n")
        proc.stdin.flush()
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"the worker for {root} did not start")
        workers.append(proc)
    times: dict[tuple[int, int], list[int]] = {(i, k): [] for i in range(len(bodies)) for k in (0, 1)}
    for r in range(args.reps):
        for i in range(len(bodies)):
            for k in (0, 1) if r % 2 == 0 else (1, 0):
                stdin, stdout = workers[k].stdin, workers[k].stdout
                assert stdin is not None and stdout is not None
                stdin.write(f"{i}\n")
                stdin.flush()
                times[(i, k)].append(int(stdout.readline()))
    print(f"| body | A: {args.root_a} | B: {args.root_b} | B / A |")
    print("| --- | ---: | ---: | ---: |")
    for i, name in enumerate(names):
        a = statistics.median(times[(i, 0)]) / 1e6
        b = statistics.median(times[(i, 1)]) / 1e6
        print(f"| {name} | {a:.2f} ms | {b:.2f} ms | {b / a:.2f} |")
    for proc in workers:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()


if __name__ == "__main__":
    main()

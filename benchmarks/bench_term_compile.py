"""The first comment after a moderator edits a long term list: how long it waits for the term lists.

    .venv/bin/python benchmarks/bench_term_compile.py [--terms 10000] [--rounds 7]

A fresh SQLite database in a temporary directory gets `--terms` suspect terms. Each round adds one
term (as a moderator's edit does, version bumped) and times `screening_terms()` for the next comment,
two ways side by side in the same process: compiled in the request (BACKGROUND_COMPILE_TERMS set
above the list's length, as before this change) and compiled in the background (the default). In the
background case the time until the new list is in use is reported too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    folder = tempfile.mkdtemp(prefix="bench-terms-")
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        STATIC_MANIFEST="false",
        LOG_LEVEL="WARNING",
        REDIS_URL="",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from moderation import screening
    from moderation.checks.rules.terms import compile_terms
    from moderation.models import GuidelineTerm

    GuidelineTerm.objects.bulk_create(
        [GuidelineTerm(category="promotion", term=f"offer{n:05d}x", kind="suspect") for n in range(args.terms)]
    )
    screening.bump_terms_version()
    screening.BACKGROUND_COMPILE_TERMS = 10**9
    compile_terms(screening.screening_terms())  # warm: this process has the list compiled

    waits: dict[str, list[float]] = {"compiled in the request": [], "compiled in the background": []}
    ready_after: list[float] = []
    for round_no in range(args.rounds * 2):
        background = round_no % 2 == 1
        screening.BACKGROUND_COMPILE_TERMS = 1000 if background else 10**9
        GuidelineTerm.objects.create(category="promotion", term=f"edit{round_no:03d}x", kind="suspect")
        screening.bump_terms_version()
        started = time.perf_counter()
        terms = screening.screening_terms()
        compile_terms(terms)  # what check() does with the list it was given (cached when compiled)
        waited = time.perf_counter() - started
        waits["compiled in the background" if background else "compiled in the request"].append(waited * 1000)
        if background:
            screening._compiling["thread"].join()
            ready_after.append((time.perf_counter() - started) * 1000)
            assert f"edit{round_no:03d}x" in screening.screening_terms().suspect["promotion"]
    print(f"\n{args.terms:,} terms, {args.rounds} edits each way, median ms (load {os.getloadavg()[0]:.2f}):\n")
    print("| the first comment after an edit | waits for the term lists |")
    print("| --- | ---: |")
    for name, values in waits.items():
        print(f"| {name} | {statistics.median(values):.1f} |")
    print(f"| (background: the new list in use after) | {statistics.median(ready_after):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every report of the guideline checks on a fixed set of texts, for checking that a speed change
changes no output (issue #11).

    .venv/bin/python benchmarks/report_dump.py /tmp/before.txt          # on the code before
    .venv/bin/python benchmarks/report_dump.py /tmp/after.txt           # on the code after
    cmp /tmp/before.txt /tmp/after.txt && echo identical

Texts: every row of ``../shared/eval/dev.csv`` and ``../shared/train/train.csv`` (read where they
lie, never copied) and generated hostile bodies: the adversarial search's chunk generator with
mutations (seeded), ``bench_checks``' ordinary, dense and adversarial texts, the issue's shape and
``benchmarks/adversarial_worst.txt``.  Each text is checked in three contexts: rules only; rules and
the shipped model; the submit-path context of ``search_adversarial.py`` (article, author, a
moderator term list, the model).  One line per text and context: the ``Report``'s ``repr``
(full-precision scores), then for the model contexts the model's raw window logits.

``--generated-only`` skips the real texts (a quick look, ~1 minute); ``--code-root DIR`` dumps
another copy of ``moderation/checks`` (as ``search_adversarial.py`` does); ``--jobs N`` splits the
work over N processes (the output is the same).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REAL_FILES = (SHARED / "eval" / "dev.csv", SHARED / "train" / "train.csv")


def real_texts() -> list[str]:
    csv.field_size_limit(10**7)
    out: list[str] = []
    for path in REAL_FILES:
        with path.open(newline="", encoding="utf-8") as fh:
            out.extend(row["text"] for row in csv.DictReader(fh))
    return out


def generated_texts(count: int = 2400, seed: int = 20261202) -> list[str]:
    """Seeded hostile and ordinary bodies (the same list on every run of one code version)."""
    from benchmarks.bench_checks import adversarial, dense, make_text
    from benchmarks.search_adversarial import Generator, issue_shape, mutate, render, vocabulary

    words, groups = vocabulary()
    rnd = random.Random(seed)
    gen = Generator(rnd, words, groups)
    out: list[str] = []
    pool: list[list[str]] = []
    for _ in range(count):
        if pool and rnd.random() < 0.6:
            genome = mutate(gen, rnd.choice(pool), rnd.choice(pool))
        else:
            genome = [gen.chunk() for _ in range(rnd.randint(1, 60))]
        pool = (pool + [genome])[-32:]
        out.append(render(genome, rnd.choice((80, 400, 1000, 2500, 5000))))
    out += [make_text(n, s) for s in range(100) for n in (200 + 48 * s,)]
    out += [dense(n, s) for s in range(100) for n in (300 + 47 * s,)]
    out += [adversarial(n) for n in range(100, 5100, 100)]
    out += [issue_shape(words, seed=s, n_chars=5000) for s in range(50)]
    out.append((ROOT / "benchmarks" / "adversarial_worst.txt").read_text("utf-8"))
    return out


_STATE: dict = {}


def _init(code_root: str | None) -> None:
    if code_root:
        sys.path.insert(0, code_root)
    elif str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks.search_adversarial import load_checks
    from moderation.checks import CheckContext, check
    from moderation.checks.model import shipped_model

    model = shipped_model()
    submit = load_checks(Path(code_root) if code_root else None).context
    _STATE.update(
        check=check,
        model=model,
        contexts=(("rules", CheckContext()), ("model", CheckContext(model=model)), ("submit", submit)),
    )


def _dump(chunk: list[tuple[int, str]]) -> list[str]:
    check, model = _STATE["check"], _STATE["model"]
    lines = []
    for i, text in chunk:
        logits = None
        for name, context in _STATE["contexts"]:
            line = f"{i}\t{name}\t{check(text, context)!r}"
            if context.model is not None:
                if logits is None:
                    from moderation.checks.normalize import Normalized

                    logits = repr(model.raw_scores(Normalized(text).wordtext).tolist())
                line += "\t" + logits
            lines.append(line)
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--generated-only", action="store_true")
    parser.add_argument("--code-root", type=str, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    texts = generated_texts() + ([] if args.generated_only else real_texts())
    items = list(enumerate(texts))
    chunks = [items[k : k + 500] for k in range(0, len(items), 500)]
    digest = hashlib.sha256()
    with (
        args.out.open("w", encoding="utf-8") as fh,
        ProcessPoolExecutor(args.jobs, initializer=_init, initargs=(args.code_root,)) as pool,
    ):
        for lines in pool.map(_dump, chunks):
            for line in lines:
                fh.write(line + "\n")
                digest.update(line.encode() + b"\n")
    print(f"{len(texts)} texts x 3 contexts -> {args.out} sha256 {digest.hexdigest()[:16]}")


if __name__ == "__main__":
    main()

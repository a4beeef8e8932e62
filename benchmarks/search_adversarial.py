"""Search for slow 5,000-character comments (issue #11, "Checks under attack").

Run from the repository root:

    .venv/bin/python benchmarks/search_adversarial.py --seconds 150 --seed 1

A seeded evolutionary search (elitist (mu + lambda) with splicing) over
comment bodies of exactly ``--chars`` (5,000) characters.  A body is a list of
chunks repeated cyclically until it is long enough; chunks come from mutation
operators an attacker would use: Cyrillic/Greek look-alike letters,
zero-width characters, trigger words from the rules' own term lists packed
densely, leetspeak, masking, stretched letters, repeated punctuation,
URL/phone/e-mail fragments, very long words, many one-letter words, mixed
scripts and combining marks.  Each candidate is scored by the CPU time
(``time.process_time_ns``, median of ``--reps`` calls) of the whole check as
the submit path runs it (``screening.screen_comment`` -> ``check(body,
CheckContext(...))``: article text, author, a moderator term list and the
shipped learned model).  Elites are re-measured every generation and keep the
median of all their measurements, so a lucky (noisy) measurement does not
stay on top.

At the end the best few are re-measured with ``--final-reps`` calls,
interleaved with an ordinary 5,000-character comment (``bench_checks``) so
both sides share the machine's noise; the worst body is written to
``--out`` (default ``benchmarks/adversarial_worst.txt``, UTF-8) and its cost
printed next to the ordinary one.  The search itself is seeded, but the
timings it selects on are not reproducible on a shared machine: two runs
with the same seed may end on different bodies.

``--measure FILE ...`` skips the search and only measures the given bodies
(plus the built-in shapes) against the ordinary text.  ``--code-root DIR``
imports ``moderation.checks`` from another checkout (e.g. a copy of the code
before a change) for before/after figures in the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path(__file__).resolve().parent / "adversarial_worst.txt"

# Look-alike letters an attacker substitutes (all of them fold to Latin in normalize).
CYRILLIC = {
    "a": "а",
    "c": "с",
    "e": "е",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "i": "і",
    "s": "ѕ",
    "j": "ј",
    "h": "һ",
    "k": "к",
    "m": "м",
    "t": "т",
    "u": "ս",
    "d": "ԁ",
    "w": "ԝ",
    "b": "в",
    "n": "п",
    "l": "ӏ",
    "g": "ց",
    "q": "ԛ",
}
GREEK = {
    "a": "α",
    "b": "β",
    "e": "ε",
    "i": "ι",
    "k": "κ",
    "n": "η",
    "o": "ο",
    "p": "ρ",
    "t": "τ",
    "u": "υ",
    "v": "ν",
    "x": "χ",
    "y": "γ",
    "w": "ω",
    "z": "ζ",
    "l": "λ",
}
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
COMBINING = tuple(chr(c) for c in range(0x300, 0x36F))
LEET = {"a": "4@", "e": "3", "i": "1!|", "o": "0", "s": "5$", "t": "7+", "l": "1|", "g": "9"}
PUNCT = ("!", "?", ".", "*", "#", "-", "_", "~", "'", '"', "$", "@", "/", ":", ";", ",", "…", "|")
FRAGMENTS = (
    "bit.ly/",
    "www.",
    "http://",
    "https://",
    ".com",
    ".ru/",
    "t.me/",
    "wa.me/",
    "@gmail.com",
    "+1 (555) ",
    "555-0199 ",
    "0800 ",
    "text WIN to 80086 ",
    "150p/msg ",
    "£1000 ",
    "$$$ ",
    "click here ",
    "check out my channel ",
    "subscribe to my ",
    "dot com ",
    "192.168.1.1 ",
    "www.www.www.",
    "a@b.c@d.e@",
    "x.y.z.com.",
    "http://http://",
    "1.800.555.",
    "(0)(0)(0)",
)
SEPARATORS = (" ", " ", " ", "", "\n", ". ", ", ", "-", ".", "  ", " ! ", "_")
TEMPLATES = (
    "you are a {w}",
    "you {w}",
    "{g} are {w}",
    "all {g} are {w}",
    "kill all {g}",
    "i will kill you {w}",
    "go {w} yourself",
    "typical {g}",
    "{g} should be {w}",
    "{w} {w} {w}",
    "shut up {w}",
    "what a {w}",
    "you fucking {w}",
    "send them all back {g}",
    "never trust a {g}",
    "your {w} mother",
    "hang the {g}",
    "{g} {w} {g} {w}",
    "i hope you die {w}",
    "the {g} are vermin",
)
SHIPPED_CONTEXT = {
    "article_title": "Drone attacks on the base in eastern Syria raise fears of escalation",
    "article_body": (
        "Militias claimed responsibility for drone and rocket attacks on the base near Hasaka. "
        "The coalition said airstrikes would continue while civilians were displaced again."
    ),
    "author_name": "Concerned Reader",
    "author_email": "reader@example.org",
}


def load_checks(code_root: Path | None):
    """Import the checks (from ``code_root`` when given) and build the submit-path context."""
    if code_root is not None:
        sys.path.insert(0, str(code_root))
    elif str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from moderation.checks import CheckContext, TermList, check
    from moderation.checks.model import shipped_model

    if code_root is not None:
        sys.path.remove(str(code_root))
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    # A term list like a newsroom's: a few banned and suspect words and phrases.
    terms = TermList(
        banned={"abuse": ("subhuman filth",), "profanity": ("fcuk",)},
        suspect={"promotion": ("crypto giveaway", "forex signals"), "personal_attack": ("shill",)},
    )
    context = CheckContext(terms=terms, duplicate_count=0, model=shipped_model(), **SHIPPED_CONTEXT)

    def run(body: str):
        return check(body, context)

    run.context = context
    return run


def vocabulary() -> tuple[list[str], list[str]]:
    """Trigger words of the rules (shared scan set plus the profanity list) and group words."""
    from moderation.checks import normalize
    from moderation.checks.rules import abuse, profanity

    words = set(normalize._TRIGGER_UNION)
    words.update(w for w in profanity.package_wordlist() if " " not in w)
    groups = sorted(w for w in getattr(abuse, "GROUPS", ()) if isinstance(w, str) and " " not in w)
    return sorted(words), groups or ["immigrants", "muslims", "jews", "women", "liberals"]


# -- chunk generators and transforms -------------------------------------------------------------


def lookalike(rnd: random.Random, s: str, share: float | None = None) -> str:
    table = CYRILLIC if rnd.random() < 0.7 else GREEK
    share = rnd.random() if share is None else share
    return "".join(table.get(c, c) if rnd.random() < share else c for c in s)


def zero_width(rnd: random.Random, s: str) -> str:
    z = rnd.choice(ZERO_WIDTH)
    return z.join(s) if rnd.random() < 0.5 else "".join(c + (z if rnd.random() < 0.3 else "") for c in s)


def leet(rnd: random.Random, s: str) -> str:
    return "".join(rnd.choice(LEET[c]) if c in LEET and rnd.random() < 0.6 else c for c in s)


def zalgo(rnd: random.Random, s: str) -> str:
    return "".join(c + "".join(rnd.choice(COMBINING) for _ in range(rnd.randint(0, 4))) for c in s)


def stretch(rnd: random.Random, s: str) -> str:
    if not s:
        return s
    i = rnd.randrange(len(s))
    return s[:i] + s[i] * rnd.randint(3, 40) + s[i + 1 :]


def spell(rnd: random.Random, s: str) -> str:
    return rnd.choice((" ", ".", "-", "_", "  ", " . ")).join(s)


def mask(rnd: random.Random, s: str) -> str:
    if len(s) < 3:
        return s
    i = rnd.randrange(1, len(s) - 1)
    return s[:i] + rnd.choice("*#%") * rnd.randint(1, 2) + s[i + 2 :]


def capitalise(rnd: random.Random, s: str) -> str:
    return s.upper() if rnd.random() < 0.5 else s.title()


TRANSFORMS = (lookalike, lookalike, zero_width, leet, zalgo, stretch, spell, mask, capitalise)


class Generator:
    def __init__(self, rnd: random.Random, words: list[str], groups: list[str]):
        self.rnd = rnd
        self.words = words
        self.groups = groups

    def word(self) -> str:
        return self.rnd.choice(self.words)

    def chunk(self) -> str:
        rnd = self.rnd
        kind = rnd.randrange(14)
        sep = rnd.choice(SEPARATORS)
        if kind <= 2:  # dense trigger words
            return " ".join(self.word() for _ in range(rnd.randint(1, 8))) + sep
        if kind == 3:  # a template sentence with trigger words and groups
            t = rnd.choice(TEMPLATES)
            while "{w}" in t or "{g}" in t:
                t = t.replace("{w}", self.word(), 1).replace("{g}", rnd.choice(self.groups), 1)
            return t + sep
        if kind == 4:  # look-alike trigger words (the issue's shape)
            return " ".join(lookalike(rnd, self.word()) for _ in range(rnd.randint(1, 8))) + sep
        if kind == 5:
            return rnd.choice(TRANSFORMS)(rnd, self.word()) + sep
        if kind == 6:  # repeated punctuation
            return "".join(rnd.choice(PUNCT) for _ in range(rnd.randint(1, 4))) * rnd.randint(1, 30) + sep
        if kind == 7:  # URL / phone / e-mail fragments
            return (
                "".join(rnd.choice(FRAGMENTS) for _ in range(rnd.randint(1, 4)))
                + rnd.choice((self.word(), "", "x"))
                + sep
            )
        if kind == 8:  # a very long word
            base = self.word() if rnd.random() < 0.5 else rnd.choice("abcdefghijklmnopqrstuvwxyz")
            return (base * rnd.randint(2, 400))[: rnd.randint(40, 1500)] + sep
        if kind == 9:  # many short words
            return (
                " ".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789@$!") for _ in range(rnd.randint(3, 60))) + sep
            )
        if kind == 10:  # mixed scripts inside one word
            w = self.word()
            return "".join(rnd.choice((c, CYRILLIC.get(c, c), GREEK.get(c, c), c.upper())) for c in w) + sep
        if kind == 11:  # combining marks
            return zalgo(rnd, self.word()) + sep
        if kind == 12:  # digits and numbers
            return "".join(rnd.choice("0123456789 -.()+") for _ in range(rnd.randint(5, 40))) + sep
        return rnd.choice(ZERO_WIDTH) * rnd.randint(1, 50) + self.word() + sep


def render(genome: list[str], n_chars: int) -> str:
    body = "".join(genome)
    if not body:
        body = " "
    if len(body) < n_chars:
        body = body * (n_chars // len(body) + 1)
    return body[:n_chars]


MAX_CHUNKS = 600


def mutate(gen: Generator, genome: list[str], other: list[str]) -> list[str]:
    rnd = gen.rnd
    g = list(genome)
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(8)
        if op <= 1 or not g:
            g.insert(rnd.randint(0, len(g)), gen.chunk())
        elif op == 2:
            i = rnd.randrange(len(g))
            g[i] = rnd.choice(TRANSFORMS)(rnd, g[i])
        elif op == 3 and len(g) > 1:
            del g[rnd.randrange(len(g))]
        elif op == 4:  # duplicate a slice: amplifies whatever is expensive
            i = rnd.randrange(len(g))
            j = min(len(g), i + rnd.randint(1, 8))
            g[rnd.randint(0, len(g)) : 0] = g[i:j] * rnd.randint(1, 4)
        elif op == 5 and other:  # splice with another elite
            i = rnd.randint(0, len(g))
            j = rnd.randint(0, len(other))
            g = g[:i] + other[j:]
        elif op == 6:  # keep only a slice (a shorter period repeats more often)
            i = rnd.randrange(len(g))
            g = g[i : i + rnd.randint(1, max(1, len(g) - i))]
        else:
            i = rnd.randrange(len(g))
            g[i] = g[i].rstrip() + rnd.choice(SEPARATORS)
    return g[:MAX_CHUNKS]


# -- seeds: the shapes the issue and bench_checks describe --------------------------------------


def issue_shape(words: list[str], seed: int = 11, n_chars: int = 5000) -> str:
    """The shape the issue reports: dense trigger words, most letters Cyrillic look-alikes."""
    rnd = random.Random(seed)
    triggers = [w for w in words if w.isalpha()]
    out: list[str] = []
    size = 0
    while size < n_chars:
        w = lookalike(rnd, rnd.choice(triggers), share=0.6)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)[:n_chars]


def seed_genomes(gen: Generator) -> list[list[str]]:
    from benchmarks.bench_checks import adversarial, dense

    rnd = gen.rnd
    seeds = [
        [issue_shape(gen.words, rnd.randrange(1 << 30))],
        [dense(5000, rnd.randrange(1 << 30))],
        [adversarial(5000)],
        [" ".join(lookalike(rnd, gen.word()) for _ in range(6)) + " " for _ in range(20)],
    ]
    while len(seeds) < 12:
        seeds.append([gen.chunk() for _ in range(rnd.randint(5, 40))])
    return seeds


# -- measuring -----------------------------------------------------------------------------------


def cost_ns(run, body: str, reps: int) -> list[int]:
    out = []
    clock = time.process_time_ns
    for _ in range(reps):
        t0 = clock()
        run(body)
        out.append(clock() - t0)
    return out


def side_by_side(run, bodies: dict[str, str], reps: int) -> dict[str, list[int]]:
    """CPU ns per call for each body, in interleaved rounds (noise hits each alike)."""
    times: dict[str, list[int]] = {name: [] for name in bodies}
    for body in bodies.values():
        run(body)  # warm-up
    for _ in range(reps):
        for name, body in bodies.items():
            times[name].extend(cost_ns(run, body, 1))
    return times


def ms(ns: float) -> str:
    return f"{ns / 1e6:.2f} ms"


def search(
    run, gen: Generator, seconds: float, reps: int, n_chars: int, mu: int, lam: int, log
) -> list[tuple[float, list[str]]]:
    rnd = gen.rnd
    scored: list[tuple[list[int], list[str]]] = []
    for genome in seed_genomes(gen):
        scored.append((cost_ns(run, render(genome, n_chars), reps), genome))
    deadline = time.monotonic() + seconds
    generation = 0
    evaluations = len(scored)
    best_seen = 0.0
    while time.monotonic() < deadline:
        generation += 1
        scored.sort(key=lambda x: statistics.median(x[0]), reverse=True)
        elites = scored[:mu]
        # Re-measure the elites: their fitness is the median of every measurement so far.
        elites = [(t[-24:] + cost_ns(run, render(g, n_chars), 1), g) for t, g in elites]
        children = []
        for _ in range(lam):
            parent = elites[min(int(rnd.expovariate(1.5)), len(elites) - 1)][1]
            other = rnd.choice(elites)[1]
            child = mutate(gen, parent, other)
            children.append((cost_ns(run, render(child, n_chars), reps), child))
        evaluations += lam
        scored = elites + children
        top = max(statistics.median(t) for t, _ in scored)
        if top > best_seen * 1.05 or generation % 50 == 0:
            best_seen = max(best_seen, top)
            log(f"generation {generation}: {evaluations} evaluations, worst median {ms(top)}")
    scored.sort(key=lambda x: statistics.median(x[0]), reverse=True)
    log(f"search done: {generation} generations, {evaluations} evaluations")
    return [(statistics.median(t), g) for t, g in scored]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=150.0, help="search budget (wall seconds)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chars", type=int, default=5000, help="body length")
    parser.add_argument("--reps", type=int, default=3, help="calls per candidate (median)")
    parser.add_argument("--final-reps", type=int, default=41, help="calls per finalist and for the ordinary text")
    parser.add_argument("--mu", type=int, default=8, help="elites kept per generation")
    parser.add_argument("--lam", type=int, default=16, help="children per generation")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the worst body is written")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--code-root", type=Path, help="import moderation.checks from this directory instead")
    parser.add_argument("--measure", type=Path, nargs="*", help="only measure these bodies (no search)")
    args = parser.parse_args(argv)

    def log(msg: str) -> None:
        if not args.json:
            print(msg, flush=True)

    run = load_checks(args.code_root)
    from benchmarks.bench_checks import adversarial, dense, make_text

    words, groups = vocabulary()
    ordinary = make_text(args.chars, 2)
    shapes = {
        "issue shape (Cyrillic look-alikes, dense trigger words)": issue_shape(words, n_chars=args.chars),
        "bench_checks dense": dense(args.chars),
        "bench_checks adversarial": adversarial(args.chars),
    }
    summary: dict = {"seed": args.seed, "chars": args.chars, "load_average": os.getloadavg()}
    if args.measure is None:
        gen = Generator(random.Random(args.seed), words, groups)
        t0 = time.monotonic()
        ranked = search(run, gen, args.seconds, args.reps, args.chars, args.mu, args.lam, log)
        summary["search_seconds"] = round(time.monotonic() - t0, 1)
        finalists = {f"finalist {i + 1}": render(g, args.chars) for i, (_, g) in enumerate(ranked[:4])}
    else:
        finalists = {str(p): p.read_text("utf-8") for p in args.measure}
    bodies = {"ordinary 5,000-character comment": ordinary, **shapes, **finalists}
    times = side_by_side(run, bodies, args.final_reps)
    medians = {name: statistics.median(t) for name, t in times.items()}
    base = medians["ordinary 5,000-character comment"]
    worst_name = max(finalists, key=medians.__getitem__) if finalists else None
    if args.measure is None and worst_name is not None:
        args.out.write_text(finalists[worst_name], encoding="utf-8")
        summary["out"] = str(args.out)
    summary["worst"] = worst_name
    summary["cpu_median_ms"] = {name: round(v / 1e6, 3) for name, v in medians.items()}
    summary["ratio_to_ordinary"] = {name: round(v / base, 2) for name, v in medians.items()}
    summary["load_average_end"] = os.getloadavg()
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print()
        print(
            f"CPU per whole check, median of {args.final_reps} interleaved calls "
            f"(load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}):"
        )
        print()
        print("| body | CPU median | vs ordinary |")
        print("| --- | ---: | ---: |")
        for name, v in medians.items():
            mark = " (worst, written to --out)" if name == worst_name and args.measure is None else ""
            print(f"| {name}{mark} | {ms(v)} | {v / base:.1f}x |")
    return summary


if __name__ == "__main__":
    main()

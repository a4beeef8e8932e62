"""The twelfth pass's promotion scans give exactly what the code they replace
gave (seeded, nothing timed): ``promotion._tld_anchors`` on a text with a
"/" read every match of the full ``_TLD_ANCHOR`` scan; it now reads a scan
for the top-level-domain matches and the other matches with a path (which
may hide a dot), ``_TLD_PATH_ANCHOR``, and the scans' trie is an atomic
group.
The code as it read before is kept here as the reference.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from benchmarks import search_adversarial as sa
from benchmarks.test_promo_paths import _PIECES
from moderation.checks.normalize import Normalized
from moderation.checks.rules import promotion

# -- the reference: the code as it read before ----------------------------------------------


REF_TLD_LABEL_ANCHOR = re.compile(
    r"\.(?=[a-z])("
    + promotion._trie_pattern(sorted(label for label in promotion.ICANN_TLDS if re.fullmatch(r"[a-z]{2,24}", label)))
    + r")(?![\w\-]|'[a-z])(/[^\s<>\"']{0,300})?"
)


def ref_tld_anchors(norm: str) -> Iterator[re.Match[str]]:
    if "/" in norm:
        return promotion._TLD_ANCHOR.finditer(norm)
    return REF_TLD_LABEL_ANCHOR.finditer(norm)


# -- bodies -----------------------------------------------------------------------------------

# Dots, slashes and labels of every kind: top-level domains (old, new,
# file extensions), ordinary words, labels of 24 and 25 letters, paths that
# run on or stop at a space, quote or "<", paths that hold dots, schemes,
# e-mail addresses and look-ahead cases ("x.com-", "x.com's", "x.co2").
_LINK_PIECES = [
    ".",
    "/",
    "//",
    " ",
    "\n",
    "'",
    '"',
    "<",
    "-",
    "@",
    "a",
    "x",
    "s",
    "2",
    "com",
    "net",
    "org",
    "io",
    "co",
    "uk",
    "ly",
    "me",
    "py",
    "md",
    "how",
    "love",
    "nig",
    "serbs",
    "kill",
    "the",
    "and",
    "abcdefghijklmnopqrstuvwx",
    "abcdefghijklmnopqrstuvwxy",
    "Com",
    "CO",
    ".com",
    ".nig",
    ".nig/",
    ".the/",
    ".com/",
    ".zz/",
    ".zz/a.com",
    ".co/",
    "/a.b/c.com",
    "site.com/path.with.dots/x.io ",
    "notes.md/x.com",
    "http://",
    "https://x.io/",
    "www.",
    "win@prize.com",
    "bit.ly/abc",
    "t.me/x",
    "x.com-",
    "x.com's",
    "x.co2",
    "ß",
    "ﬁ",
    "\u200b",
]


def _bodies(seed: int) -> list[str]:
    rnd = random.Random(seed)
    words, groups = sa.vocabulary()
    gen = sa.Generator(rnd, words, groups)
    out = []
    for _ in range(100):
        genome = [gen.chunk() for _ in range(rnd.randint(1, 30))]
        genome += rnd.choices(_LINK_PIECES + _PIECES, k=rnd.randint(1, 60))
        rnd.shuffle(genome)
        out.append(sa.render(genome, rnd.choice((60, 400, 2500, 5000))))
    for _ in range(1500):
        # Dense: every few characters a dot or a slash.
        out.append("".join(rnd.choices(_LINK_PIECES, k=rnd.randint(1, 200))))
    for _ in range(300):
        # No "/": the top-level-domain scan alone.
        out.append("".join(rnd.choices(_LINK_PIECES, k=rnd.randint(1, 200))).replace("/", rnd.choice(("", " ", "."))))
    for _ in range(100):
        # Many "/"s, after labels of both kinds.
        out.append("".join(rnd.choices(_LINK_PIECES + [".nig/", ".the/"] * 10, k=rnd.randint(200, 600))))
    for _ in range(200):
        # Long paths: a hider's 300-character reach, and dots just inside and past it.
        pad = "a" * rnd.randint(280, 320)
        out.append(rnd.choice(("x.nig/", "x.com/", "")) + pad + "".join(rnd.choices(_LINK_PIECES, k=30)))
    # Real-ish sentences.
    out += [
        "see https://example.com/a.b and also foo.bar/baz.com or read.it/now.org then mail me@x.io",
        "The file is at docs.python.org/3/library/re.html, or try right.now/again.com.",
        "serbs.kill/ll serbs.the/x.com serbs.nig/a.net.nig/b.org " * 20,
        "a.b/c.d/e.f/g.com/h.io/i.net " * 30,
        "go to my.site/index.html.com and bit.ly/xyz for the prize.",
    ]
    return out


# -- the tests --------------------------------------------------------------------------------


def _tld_matches(matches: Iterator[re.Match[str]]) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches if m.group(1) in promotion.ICANN_TLDS]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tld_anchors_match_the_full_scan(seed):
    hidden = paths = plain = many = 0
    for raw in _bodies(seed):
        norm = Normalized(raw).norm
        old = _tld_matches(ref_tld_anchors(norm))
        new = _tld_matches(promotion._tld_anchors(norm))
        assert new == old, raw
        plain += "/" not in norm and bool(old)
        many += norm.count("/") > 64
        if "/" in norm:
            full = [m.start() for m in promotion._TLD_LABEL_ANCHOR.finditer(norm)]
            hidden += len(full) != len(old)
            paths += any(g[1] is not None for _, g in old)
    assert plain > 100 and many > 50
    assert hidden > 50 and paths > 200  # hiders that change the answer, and paths reported


@pytest.mark.parametrize("seed", [4, 5])
def test_links_match_the_old_scan(seed, monkeypatch):
    bodies = _bodies(seed)
    texts = [Normalized(raw) for raw in bodies]
    new = [promotion._links(t.norm, t) for t in texts]
    monkeypatch.setattr(promotion, "_tld_anchors", ref_tld_anchors)
    old = [promotion._links(t.norm, t) for t in texts]
    assert new == old
    assert sum(map(len, old)) > 2000

"""The tenth pass's rewrites in the model and promotion area (issue #11) give
exactly what the code they replace gave (seeded, nothing timed).

``promotion._links`` reads the bare-domain anchors of a text without a "/"
from ``_TLD_LABEL_ANCHOR`` (a trie of the top-level domains) instead of
``_TLD_ANCHOR`` (every dot followed by letters).  ``ref_links`` is
``_links`` as it read before, kept here as the reference.
"""

from __future__ import annotations

import random
import re

import pytest

from benchmarks import search_adversarial as sa
from moderation.checks.data.tlds import ICANN_TLDS
from moderation.checks.normalize import Normalized
from moderation.checks.rules import promotion as P

# -- the reference: _links as it read before ------------------------------------------------


def ref_links(norm: str, text: Normalized | None = None) -> list[tuple[int, int, float, str]]:
    sig: list[tuple[int, int, float, str]] = []
    covered_until = -1
    if "http" in norm or "www." in norm:
        for m in P._scheme_urls(norm):
            if m.start() > 0 and (norm[m.start() - 1].isalnum() or norm[m.start() - 1] in "@.-"):
                continue
            host = P._strip_scheme(m.group()).split("/")[0]
            if "." not in host.strip(".") or len(host) < 4:
                continue
            sig.append((m.start(), m.end(), *P._link_kind(host)))
            covered_until = max(covered_until, m.end())
            if len(sig) >= P._MAX_LINKS:
                return sig
    if "." in norm:
        last = 0
        read_from = read_to = -1
        for m in P._TLD_ANCHOR.finditer(norm):
            dot = m.start()
            if dot < covered_until or dot < last:
                continue
            label = m.group(1)
            if label not in ICANN_TLDS or label in P._FILE_EXTENSIONS or not P._bare_link(norm, m, text):
                continue
            if 0 <= read_to <= dot and dot - read_from <= 253 and P._HOST_CHARS.issuperset(norm[read_to:dot]):
                start = read_from
            else:
                start = P._back(norm, dot, P._HOST_CHARS, 253)
            read_from, read_to = start, dot
            while start < dot and not norm[start].isalnum():
                start += 1
            if start == dot or (start > 0 and norm[start - 1] in "@/") or norm[start:dot].endswith("."):
                continue
            last = m.end()
            host = norm[start : m.end()].split("/")[0]
            sig.append((start, m.end(), *P._link_kind(host)))
            if len(sig) >= P._MAX_LINKS:
                return sig
    if "@" in norm:
        for m in P._EMAIL_ANCHOR.finditer(norm):
            start = P._back(norm, m.start(), P._LOCAL_CHARS, 64)
            while start < m.start() and not norm[start].isalnum():
                start += 1
            if start < m.start():
                sig.append((start, m.end(), 1.0, "promotion.email"))
                if len(sig) >= P._MAX_LINKS:
                    break
    return sig


# -- bodies -------------------------------------------------------------------------------

# Dotted words: labels that are top-level domains (some of them English words), labels that
# are not, chains, file names, sentence starts glued on, long runs of letters, and paths
# (one after a label that is no domain, hiding a domain's dot from the full scan).
_DOTTED = [
    "serbs.kill#ll ",
    "serbs.the ",
    "buy.cheap ",
    "x.com ",
    "site.com ",
    "a.co.uk ",
    "end.It was ",
    "so.My ",
    "setup.py ",
    "go.love ",
    "my-site.love ",
    "t.me ",
    "wa.me/x ",
    "bit.ly/abc ",
    "site.com/path.kill ",
    "go.kill/a?q=site.com ",
    "x.kill/b=cheap.click ",
    "see.kill/ ",
    "a." + "b" * 30 + " ",
    ".abcdefghijklmnopqrstuvwx ",
    ".com ",
    "..com ",
    "x.c ",
    "y.coM ",
    "z.Com ",
    "it's.me ",
    "host.com-x ",
    "host.com'd ",
    "host.net's ",
    "win@prize.com ",
    "www.site.org ",
    "http://x.co/a ",
    "9.408). 53(+83.7(7.",
    "Вuggggеr.www.(0)(0) ",
    "ﬁle.com ",
    "\u200b.com ",
    ". ",
    "/",
    "\n",
    " ",
]


def _labels(rnd: random.Random) -> str:
    label = rnd.choice(sorted(ICANN_TLDS)) if rnd.random() < 0.5 else rnd.choice(("kill", "the", "serbs", "xq"))
    return (
        rnd.choice(("x", "site", "buy", "9", ""))
        + rnd.choice((".", ". ", ".."))
        + label
        + rnd.choice((" ", "/", ".", "-", "'s "))
    )


def _periodic(rnd: random.Random, size: int, slash: bool) -> str:
    words, groups = sa.vocabulary()
    gen = sa.Generator(rnd, words, groups)
    chunks = []
    for _ in range(rnd.randint(1, 12)):
        r = rnd.random()
        if r < 0.4:
            chunks.append(rnd.choice(_DOTTED))
        elif r < 0.6:
            chunks.append(_labels(rnd))
        else:
            chunks.append(gen.chunk())
    body = sa.render(chunks, size)
    return body if slash else body.replace("/", " ")


def _bodies(seed: int) -> list[str]:
    rnd = random.Random(seed)
    bodies = [_periodic(rnd, rnd.choice((200, 1000, 5000)), rnd.random() < 0.5) for _ in range(120)]
    # Not periodic: dotted words and labels drawn anew each time.
    for _ in range(60):
        parts = [rnd.choice(_DOTTED) if rnd.random() < 0.5 else _labels(rnd) for _ in range(rnd.randint(1, 300))]
        body = "".join(parts)
        bodies.append(body if rnd.random() < 0.5 else body.replace("/", " "))
    bodies.append((sa.ROOT / "benchmarks" / "adversarial_worst.txt").read_text("utf-8"))
    return bodies


@pytest.mark.parametrize("seed", range(6))
def test_links_match_the_code_before(seed):
    for body in _bodies(seed):
        text = Normalized(body)
        norm = text.norm
        assert P._links(norm, text) == ref_links(norm, text), body[:200]
        assert P._links(norm) == ref_links(norm), body[:200]


@pytest.mark.parametrize("seed", range(6))
def test_tld_anchors_are_the_full_scans_with_a_domain_label(seed):
    for body in _bodies(100 + seed):
        norm = Normalized(body).norm
        full = [(m.span(), m.groups()) for m in P._TLD_ANCHOR.finditer(norm)]
        mine = [(m.span(), m.groups()) for m in P._tld_anchors(norm)]
        assert [f for f in full if f[1][0] in ICANN_TLDS] == [f for f in mine if f[1][0] in ICANN_TLDS]


def test_a_path_after_a_word_label_hides_a_domain_from_the_full_scan():
    # The reason a text with a "/" reads the full scan: the trie alone finds "cheap.click".
    norm = "go.kill/a?q=cheap.click"
    assert ref_links(norm) == P._links(norm) == []
    assert [m.group(1) for m in P._TLD_LABEL_ANCHOR.finditer(norm)] == ["click"]


def test_the_trie_scan_is_used_without_a_slash():
    body = sa.render(["kill#ll serbs.kill#ll serbs.the congolese. buy.cheap site.com "], 5000)
    norm = Normalized(body).norm
    found = list(P._tld_anchors(norm))
    assert found and all(m.re is P._TLD_LABEL_ANCHOR for m in found)
    assert {m.group(1) for m in found} == {"cheap", "com"}
    assert P._links(norm) == ref_links(norm) != []


def test_the_trie_pattern_matches_exactly_its_words():
    rnd = random.Random(3)
    words = sorted(rnd.sample(sorted(ICANN_TLDS), 200)) + ["co", "com", "comcast", "a"]
    pattern = re.compile(P._trie_pattern(words))
    assert pattern.groups == 0
    for w in words:
        assert pattern.fullmatch(w)
    others = ["".join(rnd.choices("abcdefghijklmnopqrstuvwxyz", k=rnd.randint(1, 8))) for _ in range(3000)]
    for w in others + ["c", "comc", "coms", ""]:
        assert bool(pattern.fullmatch(w)) == (w in words), w

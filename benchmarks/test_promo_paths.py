"""The eighth pass's rewrites of ``promotion`` give exactly what the code they
replace gave (seeded, nothing timed): the phone scan over the phone classes,
the batched offset map of SMS keywords, the early outs once the report is
settled, the per-author cache of the metadata findings.  The code as it read
before is kept here as the reference.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_left
from pathlib import Path

import pytest

from benchmarks import search_adversarial as sa
from moderation.checks.normalize import Normalized, fold
from moderation.checks.rules import MAX_PER_RULE, finding, match_phrase, promotion_shapes
from moderation.checks.rules import promotion as P
from moderation.checks.values import CheckContext, Finding

# -- the reference: promotion's signals and run as they read before ------------------------


def ref_to_norm(text: Normalized, start: int, end: int) -> tuple[int, int]:
    offsets = text.offsets
    if offsets is None:
        return start, end
    return bisect_left(offsets, start), bisect_left(offsets, end)


def ref_signals(text: Normalized) -> list[tuple[int, int, float, str]]:
    """``promotion._signals`` before: a plain phone scan, the tests in their old
    order, every shortcode and keyword, every pitch word, one offset lookup per keyword."""
    norm = text.norm
    sig = P._links(norm, text)
    data = norm.encode("utf-8", "surrogatepass")
    digits = P._digit_count(data)
    phones = 0
    checked = 0
    if digits >= 9:
        for m in P._PHONE.finditer(norm):
            if m.start() > 0 and (norm[m.start() - 1].isalnum() or norm[m.start() - 1] in "_#"):
                continue
            if P._DECIMAL.fullmatch(m.group()):
                continue
            if P._not_a_phone(norm, m):
                continue
            count = sum(map(str.isdigit, m.group()))
            if 9 <= count <= 15:
                if checked < P._MAX_PHONE_CHECKS:
                    checked += 1
                    if not P._real_phone(norm, m):
                        continue
                sig.append((m.start(), m.end(), 1.0, "promotion.phone"))
                phones += 1
                if phones >= MAX_PER_RULE:
                    break
    wordset = text.wordset
    if digits:
        money: list[list[re.Match[str]]] = []
        signs = [pattern for sign, pattern in P._MONEY_SIGNS if sign in norm]
        if signs:
            money.append(P._first_matches(signs, norm, MAX_PER_RULE))
        if P._PENCE.search(norm):
            money.append(list(P._MONEY_PENCE.finditer(norm))[:MAX_PER_RULE])
        slash = "/" in norm
        if (wordset & P._MONEY_WORDS or slash) and P._has_unit(norm, slash):
            money.append(list(P._MONEY_UNIT.finditer(norm))[:MAX_PER_RULE])
        for matches in money:
            for m in matches:
                sig.append((m.start(), m.end(), 0.3, "promotion.pitch"))
        if slash or "per" in wordset:
            per = [P._PER_SLASH] if slash else []
            if "per " in norm:
                per.append(P._PER_WORD)
            if per:
                for m in P._first_matches(per, norm, MAX_PER_RULE):
                    sig.append((m.start(), m.end(), 0.7, "promotion.premium_rate"))
        if wordset & P._SHORTCODE_VERBS:
            for m in P._SHORTCODE.finditer(norm):
                sig.append((m.start(), m.end(), 1.0, "promotion.shortcode"))
    if wordset & P._KEYWORD_VERBS:
        for m in P._SMS_KEYWORD.finditer(text.original):
            if m.group(1) not in P._NOT_KEYWORDS:
                s, e = ref_to_norm(text, m.start(), m.end())
                sig.append((s, e, 1.0, "promotion.shortcode"))
    strong_firsts = P._STRONG_INDEX.firsts(text)
    hits = (wordset & P._WORD_TRIGGERS) | strong_firsts
    if hits:
        words = text.words
        seen_words: set[str] = set()
        for i in text.indices(hits):
            w = words[i]
            if w in strong_firsts:
                phrase = match_phrase(words, i, P._STRONG_INDEX)
                if phrase:
                    s, e = text.word_span(i, i + len(phrase) - 1)
                    sig.append((s, e, 1.0, "promotion.pitch"))
            if w in P.MESSENGERS:
                near = set(words[max(0, i - 3) : i + 4])
                if near & {"me", "us", "add", "dm", "message", "contact", "follow", "join", "inbox", "text"}:
                    s, e = text.word_span(i, i)
                    sig.append((s, e, 1.0, "promotion.handle"))
            if (w in P.PITCH_WORDS or w in P._CALLS) and w not in seen_words:
                seen_words.add(w)
                s, e = text.word_span(i, i)
                sig.append((s, e, 0.3, "promotion.pitch"))
    sig.extend(promotion_shapes.signals(text))
    return sig


def ref_metadata(context: CheckContext) -> list[Finding]:
    out = []
    name = context.author_name or ""
    if name:
        folded = fold(name)
        if (
            P._URL.search(folded)
            or P._bare_domain(folded)
            or P._EMAIL.search(folded)
            or any(
                w in folded
                for w in ("http", "www.", ".com", "casino", "viagra", "loan", "crypto", "bitcoin", "seo", "escort")
            )
        ):
            out.append(Finding("promotion", "promotion.author_name", 0, 0, name, 0.6))
    email = context.author_email or ""
    if email:
        local, _, domain = fold(email).partition("@")
        words = ("casino", "viagra", "loan", "crypto", "bitcoin", "seo", "promo", "marketing", "escort", "deals")
        if domain in P._SHORTENERS or any(w in local or w in domain for w in (*words, "discount")):
            out.append(Finding("promotion", "promotion.author_email", 0, 0, email, 0.5))
    return out


def ref_run(text: Normalized, context: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    signals = ref_signals(text)
    total = P._total(signals)
    if total >= 1.0:
        boost = min(0.3, 0.1 * (total - 1.0))
        per_rule: dict[str, int] = {}
        for s, e, w, rule in signals:
            n = per_rule.get(rule, 0)
            if n >= MAX_PER_RULE:
                continue
            per_rule[rule] = n + 1
            out.append(finding(text, "promotion", rule, s, e, min(0.95, 0.45 * w + 0.2 + boost)))
    count = context.duplicate_count or 0
    if count >= 1 and (len(text.words) >= 6 or count >= 3) and text.original.strip():
        score = min(0.9, 0.3 + 0.15 * count)
        out.append(Finding("promotion", "promotion.duplicate", 0, len(text.original), text.original, score))
    out.extend(ref_metadata(context))
    return out


# -- texts ----------------------------------------------------------------------------------

# Promotion's shapes, over and over: phone-like runs, short codes, keywords,
# money, links, pitch words, with look-alikes and expanding characters.
_PIECES = [
    "text WIN to 80086 ",
    "txt GIRL to 8007 ",
    "Reply YES ",
    "REPLY STOP ",
    "SMS NOW ",
    "TEXT the word CASH ",
    "call 0800 123 4567 ",
    "+44 7911 123456 ",
    "0870141701216+ ",
    "(555) 123-4567 ",
    "9.408). 53(+83.7(7.",
    "+0++5981154 5+1 5 ",
    "192.168.1.1 ",
    "2004 2005 2006 ",
    "ISBN 978-3-16-148410-0 ",
    "£1000 ",
    "$ 10 ",
    "150p/msg ",
    "1.50 per msg ",
    "5 usd ",
    "www.",
    "http://x.co/a ",
    "bit.ly/abc ",
    "t.me/x ",
    "site dot com ",
    "win@prize.com ",
    "free prize cash winner ",
    "whatsapp me ",
    "telegram us ",
    "check out my channel ",
    "sub4sub ",
    "like and share ",
    "s-u-b-s-c-r-i-b-e- -t-o- -m-y- ",
    "-£-1-0-0-0- ",
    "0800 ",
    "٣٤٥ ",  # non-ASCII digits: the plain phone scan
    "١٢٣٤٥٦٧٨٩٠ ",
    "Вuggggеr ",
    "ﬁ",  # expands when folded: an offset map
    "ß",
    "\u200b",
    "ж",
    "\ud800",
    "hello there ",
    "the ",
    ". ",
    "\n",
    "9",
    "0",
    " ",
    "-",
    "(",
    ")",
    ".",
]


def _texts(seed: int) -> list[str]:
    rnd = random.Random(seed)
    texts = ["".join(rnd.choices(_PIECES, k=rnd.randint(1, 40))) for _ in range(1500)]
    # Long texts (the numpy paths), most without a lone surrogate (which keeps
    # a text off the numpy fold).
    pieces = [p for p in _PIECES if p != "\ud800"]
    texts += ["".join(rnd.choices(pieces, k=rnd.randint(150, 700))) for _ in range(100)]
    texts += ["".join(rnd.choices(_PIECES, k=rnd.randint(150, 700))) for _ in range(20)]
    # A few shapes in plain words: totals short of the boost's cap, where
    # every signal still counts.
    filler = ["hello there ", "the ", "and then we ", ". ", "\n"]
    for _ in range(600):
        shapes = rnd.choices(_PIECES, k=rnd.randint(1, 14))
        texts.append("".join(rnd.choice(filler) + shape for shape in shapes))
    # Amounts and pitch words: a rule's MAX_PER_RULE signals in, the total still open.
    money = ["£1000 ", "$ 10 ", "5 usd ", "150p/msg ", "-£-1-0-0-0- ", "free ", "prize ", "check out my ", "channel "]
    for _ in range(300):
        shapes = rnd.choices(money, k=rnd.randint(4, 16))
        texts.append("".join(rnd.choice(filler) + shape for shape in shapes))
    # Hostile bodies of the adversarial search (look-alikes, leet, spelled-out words ...).
    words, groups = sa.vocabulary()
    gen = sa.Generator(rnd, words, groups)
    for _ in range(60):
        genome = [gen.chunk() for _ in range(rnd.randint(1, 60))]
        if rnd.random() < 0.5:
            genome += rnd.choices(_PIECES, k=rnd.randint(1, 30))
            rnd.shuffle(genome)
        texts.append(sa.render(genome, rnd.choice((400, 2500, 5000))))
    texts.append((Path(sa.__file__).parent / "adversarial_worst.txt").read_text("utf-8"))
    return texts


_CONTEXTS = [
    CheckContext(),
    CheckContext(author_name="Concerned Reader", author_email="reader@example.org"),
    CheckContext(author_name="cheap-loans.com", author_email="deals@bit.ly", duplicate_count=2),
    CheckContext(author_name="www.casino.example", author_email="x@y.org", duplicate_count=4),
]


# -- the tests ------------------------------------------------------------------------------


def _matches(found):
    return [(m.span(), m.groups()) for m in found]


@pytest.mark.parametrize("seed", [1, 2])
def test_promotion_run_matches_the_code_before(seed):
    texts = _texts(seed)
    reported = settled = 0
    for i, raw in enumerate(texts):
        text = Normalized(raw)
        context = _CONTEXTS[i % len(_CONTEXTS)]
        expected = ref_run(text, context)
        assert P.run(text, context) == expected, raw
        reported += any(f.rule != "promotion.duplicate" and f.start != f.end for f in expected)
        signals = ref_signals(text)
        settled += P._total(signals) >= 10 and len(signals) > 30
    assert reported > 300 and settled > 20  # findings, and texts past the early outs, were compared


@pytest.mark.parametrize("seed", [3, 4])
def test_phone_matches_match_the_plain_scan(seed):
    plain_paths = class_paths = 0
    for raw in _texts(seed):
        text = Normalized(raw)
        norm = text.norm
        data = norm.encode("utf-8", "surrogatepass")
        found = P._phone_matches(text, data)
        assert _matches(found) == _matches(P._PHONE.finditer(norm)), raw
        plain = isinstance(found, type(P._PHONE.finditer("")))
        plain_paths += plain
        class_paths += not plain and len(data) != len(norm)
    assert plain_paths > 20 and class_paths > 20  # both paths, and the byte-to-character offsets, were tried


@pytest.mark.parametrize("seed", [5, 6])
def test_keyword_spans_map_as_one_bisection_each(seed):
    rnd = random.Random(seed)
    arrays = lists = 0
    for raw in _texts(seed):
        text = Normalized(raw)
        n = len(raw)
        spans = sorted((rnd.randint(0, n), rnd.randint(0, n)) for _ in range(rnd.randint(0, 12)))
        spans = [(min(s, e), max(s, e)) for s, e in spans]
        expected = [ref_to_norm(Normalized(raw), s, e) for s, e in spans]
        assert P._to_norm_spans(text, spans) == expected, raw
        arrays += text._offset_array is not None and bool(spans)
        lists += text._offset_array is None and text.offsets is not None and bool(spans)
    assert arrays > 20 and lists > 20  # both offset maps were tried


def test_metadata_is_cached_per_author():
    rnd = random.Random(7)
    names = ["", "Concerned Reader", "cheap-loans.com", "http://x", "Ann", "SEO expert", "bit.ly", "jo@x.com"]
    emails = ["", "reader@example.org", "deals@bit.ly", "x@casino.com", "promo@y.org", "a@b"]
    for _ in range(300):
        context = CheckContext(author_name=rnd.choice(names), author_email=rnd.choice(emails))
        assert P._metadata(context) == ref_metadata(context)
        assert P._metadata(context) is not P._metadata(context)  # a fresh list each time


# -- the ninth pass: money amounts with a unit, scanned in windows around the units -----------

_UNIT_PIECES = ["usd", "dollars", "pounds", "euros", "gbp", "p/min", "ppm", "/hr", "/hour", "/day", "/week"]
_UNIT_NEAR = ["usdollars", "5usd", "1,000.50 usd", "9.99/hour", "3 p/min", "2/min", "7/hourly", "4 /day", "x/day"]


def _digit_dense(rnd: random.Random, size: int, units: int) -> str:
    """Digits, separators and spaces, with a few units (the next worst case of the unit scan)."""
    chars = [rnd.choice("0123456789 .,-/p") for _ in range(size)]
    for _ in range(units):
        at = rnd.randrange(size + 1)
        chars.insert(
            at, rnd.choice((" ", "")) + rnd.choice(_UNIT_PIECES + _UNIT_NEAR) + rnd.choice((" ", "a", "", "5"))
        )
    return "".join(chars)


@pytest.mark.parametrize("seed", [8, 9])
def test_unit_amounts_match_the_plain_scan(seed):
    rnd = random.Random(seed)
    texts = [_digit_dense(rnd, rnd.choice((30, 200, 5000)), rnd.choice((0, 1, 3, 10, 80, 300))) for _ in range(400)]
    texts += [Normalized(raw).norm for raw in _texts(seed)]
    windowed = plain = 0
    for norm in texts:
        slash = "/" in norm
        if not P._has_unit(norm, slash):
            continue
        found = P._unit_amounts(norm, slash, P._digit_count(norm.encode("utf-8", "surrogatepass")))
        expected = _matches(P._MONEY_UNIT.finditer(norm))
        assert _matches(found) == expected, norm
        is_plain = isinstance(found, type(P._MONEY_UNIT.finditer("")))
        plain += is_plain
        windowed += not is_plain and bool(expected)
    assert windowed > 100 and plain > 20  # both paths were tried, on texts with amounts


def test_a_digit_dense_body_with_one_unit():
    """The next worst case the brief named: 5,000 digits and separators, one "usd"."""
    rnd = random.Random(0)
    body = "".join(rnd.choice("0123456789 .,-") for _ in range(4990))
    body = (body[:2500] + " 5 usd " + body[2500:])[:5000]
    text = Normalized(body)
    assert _matches(P._unit_amounts(text.norm, "/" in text.norm)) == _matches(P._MONEY_UNIT.finditer(text.norm))
    assert P.run(text, CheckContext()) == ref_run(text, CheckContext())


@pytest.mark.parametrize("seed", [10, 11])
def test_shortcodes_stop_at_the_limit(seed):
    """The first ``limit`` short codes are the plain scan's first ones; the
    run test above checks that dropping the later ones changes no report."""
    limited = 0
    for raw in _texts(seed):
        norm = Normalized(raw).norm
        expected = _matches(P._SHORTCODE.finditer(norm))
        assert _matches(P._shortcodes(norm)) == expected, raw
        for limit in (1, MAX_PER_RULE):
            assert _matches(P._shortcodes(norm, limit)) == expected[:limit], raw
        limited += len(expected) > MAX_PER_RULE
    assert limited > 20  # texts with more short codes than are kept


def test_a_digit_dense_body_with_many_units():
    """70 "x usd" in 5,000 digits and separators: still windows (the plain scan
    would try a match at every digit), and the same matches."""
    rnd = random.Random(1)
    chars = [rnd.choice("0123456789 .,-") for _ in range(4700)]
    for _ in range(70):
        chars.insert(rnd.randrange(len(chars)), " x usd ")
    norm = Normalized("".join(chars)[:5000]).norm
    found = P._unit_amounts(norm, False, P._digit_count(norm.encode()))
    assert not isinstance(found, type(P._MONEY_UNIT.finditer("")))
    assert _matches(found) == _matches(P._MONEY_UNIT.finditer(norm))

"""The fast paths added against adversarial input (issue #11) give exactly
what the plain code they replace gives (seeded, nothing timed).

Each fast path is compared with a reference written the way the code read
before: a per-trigger walk, a regex over the whole text, a per-key scan.
"""

from __future__ import annotations

import random
import re

import pytest

from benchmarks import search_adversarial as sa
from moderation.checks import normalize as N
from moderation.checks import wordmatch as W
from moderation.checks.normalize import Normalized
from moderation.checks.rules import abuse, personal_attack, profanity, promotion

ALPHABET = (
    list("aaabbcdeefghiiklmnoopqrstuuvwxyz  AEIO01345789@$!|+*#%_'.-,;?\n\x00")
    + list("аеорсхуіѕјһкмтսԁԝвпӏցԛαβεικηοπρτυνχγωζλ")
    + ["\u200b", "\u2060", "\u0301", "ß", "…", "ы", "£", "ж", "²", "٣", "ﬁ", "Ⅻ"]
)


def _texts(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        weights = [rnd.random() ** 3 for _ in ALPHABET]
        text = "".join(rnd.choices(ALPHABET, weights, k=rnd.choice((5, 40, 300, 1200))))
        if rnd.random() < 0.3:
            text = re.sub(r"(.)", lambda m: m.group() * rnd.choice((1, 1, 1, 3, 5)), text)
        out.append(text)
    return out


def _offsets(original: str) -> list[int]:
    offsets: list[int] = []
    for i, ch in enumerate(original):
        offsets.extend((i,) * len(N._TABLE[ord(ch)]))
    return offsets


def _leet_walk(norm: str) -> list[tuple[int, int]]:
    positions = sorted(i for i, c in enumerate(norm) if c in W._LEET_DIGITS)
    out, last_end = [], 0
    for pos in positions:
        if pos < last_end:
            continue
        start = pos
        while start > last_end and norm[start - 1].isalnum():
            start -= 1
        end = W._ALNUM_RUN.match(norm, pos).end()
        last_end = end
        token = norm[start:end]
        if end - start <= W._MAX_TOKEN and not token.isdigit() and not token.isalpha():
            out.append((start, end))
    return out


def _slow_walk(norm: str, stretch: list[int]) -> list[tuple[int, int]]:
    triggers = sorted(list(stretch) + [i for i, c in enumerate(norm) if c in W._SLOW_CHARS])
    out, last_end = [], 0
    for pos in triggers:
        if pos < last_end:
            continue
        start = pos
        while start > last_end and (norm[start - 1].isalnum() or norm[start - 1] in W._TOKEN_CHARS):
            start -= 1
        end = W._TOKEN_TAIL.match(norm, pos).end()
        last_end = max(end, pos + 1)
        out.append((start, end))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_normalized_fast_paths_match_the_plain_code(seed):
    for text in _texts(seed, 400):
        n = Normalized(text)
        assert n.norm == text.translate(N._TABLE)
        expected = _offsets(text)
        assert (n.offsets is None and len(expected) == len(text)) or n.offsets == expected
        for table in (N._WORD_TABLE, W.CANON_TABLE, W._TOKEN_CLASS, W._LEET_CLASS):
            assert N.translate1(n.norm, table) == n.norm.translate(table)
            assert n.translate1(table) == n.norm.translate(table)
        assert n.stretch_starts == [m.start() for m in N._STRETCH_START.finditer(n.norm)]
        assert n._collapse_stretched() == N._STRETCH.sub(N._first_char, n.wordtext)
        assert W._leet_runs(n.norm) == _leet_walk(n.norm)
        assert W._slow_runs(n.norm, n.stretch_starts) == _slow_walk(n.norm, n.stretch_starts)
        assert W.slow_tokens(n) == _slow_walk(n.norm, n.stretch_starts)


def _obfuscated_plain(matcher, text, limit):
    found = {}
    norm = text.norm
    tokens = W._leet_words(norm) + W.slow_tokens(text)
    spelled = W.spelled_runs(text)
    if limit is not None:
        tokens = tokens[:limit]
        spelled = spelled[: max(0, limit - len(tokens))]
    for start, end in tokens:
        matcher._check_token(norm, start, end, found)
    for start, end in spelled:
        matcher._check_spelled(norm[start:end], start, found)
    return sorted(found.values(), key=lambda x: (x[0], x[1]))


def test_word_matchers_give_the_same_matches_on_every_path(monkeypatch):
    # The paths are compared uncapped (the plain reference reads every token);
    # the caps have their own tests in test_adversarial_caps.py.
    monkeypatch.setattr(W, "CAPS", False)
    words, groups = sa.vocabulary()
    matchers = [profanity.matcher(), abuse.slur_matcher(), personal_attack.insult_matcher()]
    rnd = random.Random(5)
    for seed in range(150):
        gen = sa.Generator(random.Random(seed), words, groups)
        body = sa.render([gen.chunk() for _ in range(rnd.randint(1, 40))], rnd.choice((100, 1000, 5000)))
        total = len(W.leet_words(Normalized(body))) + len(W.slow_tokens(Normalized(body)))
        for matcher in matchers:
            results = []
            for index_from in (-1, 10**9):  # word index always / never
                monkeypatch.setattr(W, "_INDEX_FROM", index_from)
                results.append(matcher.find(Normalized(body)))
            assert results[0] == results[1]
            for limit in (None, 0, total // 2, max(total - 1, 0), total):
                assert matcher.find_obfuscated(Normalized(body), limit) == _obfuscated_plain(
                    matcher, Normalized(body), limit
                )


# The promotion patterns as they were written before they were given a
# literal or a class to start with.
_PLAIN_PATTERNS = {
    "_MONEY_PENCE": r"(?<![\d.,])\d{1,4}p(?=/|\s|$)",
    "_MONEY_UNIT": r"(?<![\d.,])\d{1,7}(?:[.,]\d{1,3}){0,3}\s?(?:usd|dollars|pounds|euros|gbp|p/min|ppm|/hr|/hour|/day|/week)(?![a-z])",
    "_PER_MESSAGE": r"/(?:msg|min|sms|txt|text|call|wk|week)\b|\bper (?:msg|sms|txt|text|message|min|minute)\b",
    "_SHORTCODE": r"\b(?:text|txt|send|reply|call|sms)\b[^.!?\n]{0,20}?\bto\s\d{4,6}\b",
    "_EMAIL_ANCHOR": r"@[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63}){0,4}\.[a-z]{2,24}(?![\w\-])",
    "_SMS_KEYWORD": r"\b(?:[Tt]ext|TEXT|[Tt]xt|TXT|[Rr]eply|REPLY|SMS)\s(?:(?:the|word|back|with|now)\s){0,3}[\"']?([A-Z][A-Z0-9]{1,12})\b",
}
_PIECES = [
    "1",
    "2",
    "9",
    "0",
    "٣",
    "²",
    ".",
    ",",
    " ",
    "\n",
    "/",
    "p",
    "per ",
    "msg",
    "min",
    "sms",
    "txt",
    "text",
    "Text",
    "TEXT",
    "TXT",
    "reply",
    "Reply",
    "REPLY",
    "SMS",
    "send",
    "call",
    "to ",
    "usd",
    "dollars",
    "gbp",
    "p/min",
    "ppm",
    "/hr",
    "/day",
    "/week",
    "a",
    "x",
    "_",
    "WIN",
    "STOP",
    "the ",
    "back ",
    "'",
    '"',
    "A",
    "Z",
    "é",
    "!",
    "12345",
    "150p",
    "£",
    "@",
    "-",
    "com",
    "uk",
    "b",
    "ab1",
    "q" * 30,
]


@pytest.mark.parametrize("name", sorted(_PLAIN_PATTERNS))
def test_promotion_patterns_match_their_plain_form(name):
    plain, fast = re.compile(_PLAIN_PATTERNS[name]), getattr(promotion, name)
    rnd = random.Random(name)
    for _ in range(20000):
        text = "".join(rnd.choices(_PIECES, k=rnd.randint(1, 25)))
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [
            (m.span(), m.groups()) for m in plain.finditer(text)
        ], text


# Pieces for the scans that skip text (phone runs, short-code windows, SMS
# verb marks, one pattern per sign or branch): every edge they rely on.
_SCAN_PIECES = _PIECES + [
    "$",
    "€",
    "£5",
    "$ 10",
    "to 80086",
    "to 1234567",
    "SMSMS",
    "xt",
    "XT",
    "eply",
    " ",
    "-",
    "(",
    ")",
    "0",
    "5",
    "\u0661",  # Arabic-Indic digit one: \d, kept by the fold
    "\u200b",
    "ж",
    "+44 ",
    "per msg",
    "/msg",
    "xper msg",
    "1234 5678 90",
    "(555) 123-4567",
    "2004 2005 2006",
    "p",
    "p/",
    "9p\n",
    ".5p ",
    "12345p ",
    "http://",
    "https://a.b",
    "www.",
    "www.x",
    "h",
    "w",
    "p/min",
    "/min",
    "/hr",
    "/hour",
    "/day",
    "/week",
    "usd",
    "ppm",
]


def _matches(found):
    return [(m.span(), m.groups()) for m in found]


@pytest.mark.parametrize("seed", [5, 6])
def test_promotion_partial_scans_match_the_full_scans(seed):
    rnd = random.Random(seed)
    texts = ["".join(rnd.choices(_SCAN_PIECES, k=rnd.randint(1, 60))) for _ in range(6000)]
    texts += ["".join(rnd.choices(_SCAN_PIECES, k=rnd.randint(200, 1500))) for _ in range(150)]
    texts += _texts(seed, 100) + _long_texts(seed, 40)
    many_runs = 0
    for text in texts:
        normalized = Normalized(text)
        norm = normalized.norm
        data = norm.encode("utf-8", "surrogatepass")
        assert promotion._digit_count(data) == sum(map(norm.count, "0123456789"))
        assert _matches(promotion._phone_matches(normalized, data)) == _matches(promotion._PHONE.finditer(norm)), text
        many_runs += normalized.translate1(promotion._PHONE_TABLE).count("9" * 9) >= promotion._MAX_PHONE_RUNS
        assert _matches(promotion._shortcodes(norm)) == _matches(promotion._SHORTCODE.finditer(norm)), text
        assert _matches(promotion._sms_keywords(text)) == _matches(promotion._SMS_KEYWORD.finditer(text)), text
        assert _matches(promotion._pence_amounts(norm)) == _matches(promotion._MONEY_PENCE.finditer(norm)), text
        assert _matches(promotion._scheme_urls(norm)) == _matches(promotion._SCHEME_URL.finditer(norm)), text
        assert promotion._has_unit(norm, "/" in norm) == any(unit in norm for unit in promotion._UNITS), text
        signs = [pattern for sign, pattern in promotion._MONEY_SIGNS if sign in norm]
        if signs:
            assert _matches(promotion._first_matches(signs, norm, 5)) == _matches(
                list(promotion._MONEY_SIGN.finditer(norm))[:5]
            ), text
        per = [promotion._PER_SLASH, promotion._PER_WORD]
        assert _matches(promotion._first_matches(per, norm, 5)) == _matches(
            list(promotion._PER_MESSAGE.finditer(norm))[:5]
        ), text
    assert many_runs  # the scan of the rest after _MAX_PHONE_RUNS runs was tried


# -- array (numpy) paths of the second pass --------------------------------------------------

_MORE = ["\U0001d41f", "\ufdfa", "\u2026", "\u00df", "\ufb01", "\ud800", "\u00a0", "\u3002", "\u2028", "\x1c", "\u0085"]


def _long_texts(seed: int, count: int) -> list[str]:
    """Texts long enough for every array path (``_fold_many`` from 512
    characters), with astral letters, folds longer than the table holds,
    expanding characters and lone surrogates now and then."""
    rnd = random.Random(seed)
    out = []
    for text in _texts(seed, count):
        text = (text * (600 // max(len(text), 1) + 1))[: rnd.choice((512, 700, 2500, 5000))]
        if rnd.random() < 0.5:
            chars = list(text)
            for _ in range(rnd.randint(1, 30)):
                chars[rnd.randrange(len(chars))] = rnd.choice(_MORE)
            text = "".join(chars)
        out.append(text)
    return out


def _span_plain(offsets, original, start, end):
    """``Normalized.span`` as it reads with a list of offsets."""

    def o(i):
        return len(original) if i >= len(offsets) else offsets[i]

    if end <= start:
        return (start, start) if offsets is None else (o(start), o(start))
    if offsets is None:
        return start, end
    return offsets[start], offsets[end - 1] + 1


def _bounds_plain(text: str) -> tuple[list[int], list[int]]:
    starts = [m.start() for m in re.finditer(r"[^ ]+", text)]
    ends = [m.end() for m in re.finditer(r"[^ ]+", text)]
    return starts, ends


def _breaks_plain(n: Normalized) -> set[int]:
    from bisect import bisect_right

    return {bisect_right(n.word_starts, i) for i, c in enumerate(n.norm) if c in N._BREAK_CHARS}


@pytest.mark.parametrize("seed", [3, 4])
def test_array_paths_match_the_plain_code(seed):
    rnd = random.Random(seed)
    for text in _long_texts(seed, 300):
        n = Normalized(text)
        assert n.norm == text.translate(N._TABLE)
        expected = _offsets(text)
        identity = len(expected) == len(text)
        assert (n.offsets is None and identity) or n.offsets == expected
        plain = None if n.offsets is None else list(n.offsets)
        for _ in range(50):
            s = rnd.randint(0, len(n.norm))
            e = rnd.randint(0, len(n.norm))
            assert n.span(s, e) == _span_plain(plain, text, s, e)
            assert all(type(x) is int for x in n.span(s, e))
        starts, ends = _bounds_plain(n.wordtext)
        assert n.word_starts == starts and n._bounds == (starts, ends)
        assert len(starts) == len(n.words)
        assert [n.wordtext[a:b] for a, b in zip(starts, ends)] == n.wordtext.split()
        assert N.word_bounds(n.canon) == _bounds_plain(n.canon)
        assert W._canon_pieces(n) == (n.canon.split(), _bounds_plain(n.canon)[0])
        breaks = n.clause_breaks
        if not isinstance(breaks, N._LazyBreaks):
            assert set(breaks) == _breaks_plain(n)
        classes = N.translate1(n.norm, W._LEET_CLASS)
        assert W._leet_runs(n.norm) == [(m.start(), m.end() - 1) for m in W._LEET_RUN.finditer(" " + classes)]
        classes = N.translate1(n.norm, W._TOKEN_CLASS)
        runs = [(m.start(), m.end() - 1) for m in W._SLOW_RUN.finditer(" " + classes)]
        assert W._slow_runs(n.norm, []) == runs


def test_fold_many_agrees_with_translate_or_declines():
    rnd = random.Random(9)
    pool = ALPHABET + _MORE
    for _ in range(300):
        text = "".join(rnd.choices(pool, k=rnd.choice((512, 1000, 3000))))
        folded = N._fold_many(text)
        if folded is None:
            # Declined: a lone surrogate or a very long fold (astral code points
            # borrow surrogate rows: test_norm_paths.py).
            assert any(c in text for c in ("\ud800", "\ufdfa"))
            continue
        norm, offsets = folded
        assert norm == text.translate(N._TABLE)
        assert (offsets is None and len(norm) == len(text)) or offsets.tolist() == _offsets(text)


def test_match_is_an_immutable_record():
    m = W.Match(1, 4, "key", ("profanity", 0.5, "x"))
    assert (m.start, m.end, m.key, m.payload) == (1, 4, "key", ("profanity", 0.5, "x"))
    with pytest.raises(AttributeError):
        m.start = 2
    assert hash(m) == hash(W.Match(1, 4, "key", ("profanity", 0.5, "x")))


# -- fourth pass (issue #11): per-text look-ups written as C-level passes ---------------------


def _firsts_plain(index, text):
    wordset = text.wordset
    return frozenset(
        w for w in index.keys() & wordset if w in index.singles or any(rest <= wordset for rest in index.rests[w])
    )


@pytest.mark.parametrize("seed", [3, 4])
def test_indices_and_phrase_firsts_match_the_plain_code(seed):
    from moderation.checks.rules import threat

    words, groups = sa.vocabulary()
    indexes = [
        personal_attack._DISMISSIVE_INDEX,
        personal_attack._INSULT_PHRASE_INDEX,
        abuse._EXPULSION_INDEX,
        abuse._TROPE_INDEX,
        promotion._STRONG_INDEX,
        threat._MENACE_INDEX,
    ]
    rnd = random.Random(seed)
    phrases = [
        " ".join(p) for index in indexes for by_second in index.values() for ps in by_second.values() for p in ps
    ]
    for k in range(150):
        gen = sa.Generator(random.Random(seed * 1000 + k), words, groups)
        chunks = [gen.chunk() for _ in range(rnd.randint(1, 30))] + rnd.sample(phrases, rnd.randint(0, 30))
        rnd.shuffle(chunks)
        n = Normalized(sa.render(chunks, rnd.choice((60, 800, 5000))))
        for index in indexes:
            assert index.firsts(n) == _firsts_plain(index, n)
        for vocabulary in (
            personal_attack._WORD_TRIGGERS,
            abuse._WORD_TRIGGERS,
            frozenset(rnd.sample(sorted(n.wordset), min(5, len(n.wordset)))),
            frozenset(rnd.sample(words, 50)),
            frozenset(),
        ):
            hits = n.wordset & vocabulary
            assert n.indices(vocabulary) == [i for i, w in enumerate(n.words) if w in hits]


def test_word_index_path_keeps_digit_runs_out():
    # The word-index path of ``find`` skips the digit test for keys that no
    # digit run can spell ("_digit_like"); digits still never match.
    body = " ".join(["455 a55 4ss ass 7175 717 tits t1t 5h17 shit 5hit"] * 20 + ["fuck f4ck fvck"] * 5)
    for matcher in (profanity.matcher(), abuse.slur_matcher(), personal_attack.insult_matcher()):
        results = []
        for index_from in (-1, 10**9):
            old, W._INDEX_FROM = W._INDEX_FROM, index_from
            try:
                results.append(matcher.find(Normalized(body)))
            finally:
                W._INDEX_FROM = old
        assert results[0] == results[1]
    assert not any(body[m.start : m.end].isdigit() for m in profanity.matcher().find(Normalized(body)))
    assert all(not set(k) <= W._DIGIT_IMAGES for k in profanity.matcher()._keys - profanity.matcher()._digit_like)


def _aliases_plain(text, words):
    # personal_attack._aliases as written before the fourth pass.
    from operator import methodcaller

    P = personal_attack
    out = {}
    wordset = text.wordset
    variants = wordset & P._VARIANT_WORDS
    if variants:
        for i in text.indices(variants):
            out[i] = (P.VARIANTS[words[i]], i)
    for m in P.insult_matcher().find_obfuscated(text, limit=P._MAX_OBFUSCATED):
        first, last = text.word_range(m.start, m.end)
        if first <= last and first not in out and words[first] not in P._WORD_TRIGGERS:
            out[first] = (m.payload, last)
    if "tard" in text.norm:
        for w in filter(methodcaller("endswith", ("tard", "tards")), wordset):
            if (
                len(w) > 5
                and w not in P._TARD_WORDS
                and w not in P.NOUNS
                and (w[-5] if w.endswith("tard") else w[-6]) != "s"
            ):
                for i in text.indices(frozenset((w,))):
                    out.setdefault(i, ("retards" if w.endswith("s") else "retard", i))
    if wordset & P._BRAIN_WORDS:
        for i in text.indices(P._BRAIN_WORDS & wordset):
            if (
                words[i] == "brained"
                and i > 0
                and words[i - 1] not in P._BRAINED_NOT
                and words[i - 1] not in ("a", "the")
            ):
                out.setdefault(i - 1, ("brainless", i))
            elif (
                words[i] == "brains"
                and i > 1
                and words[i - 1] == "for"
                and len(words[i - 2]) > 2
                and words[i - 2] not in P._NOT_FOR_BRAINS
            ):
                out.setdefault(i - 2, ("idiot", i))
    return out


def test_insult_aliases_match_the_plain_code():
    words, groups = sa.vocabulary()
    extra = [
        "libtard",
        "obamatards",
        "mustard",
        "bitard",
        "snowtard",
        "maskietards",
        "fliptard",
        "cultards",
        "pea brained",
        "shit for brains",
        "1d10t",
        "m0r0n",
        "l0s3r",
        "stuuupid",
    ]
    rnd = random.Random(11)
    for k in range(150):
        gen = sa.Generator(random.Random(7000 + k), words, groups)
        chunks = [gen.chunk() for _ in range(rnd.randint(1, 30))] + rnd.choices(extra, k=rnd.randint(0, 12))
        rnd.shuffle(chunks)
        n = Normalized(sa.render(chunks, rnd.choice((60, 800, 5000))))
        got = personal_attack._aliases(n, n.words)
        want = _aliases_plain(Normalized(n.original), Normalized(n.original).words)
        assert got == want and list(got) == list(want)
        for vocabulary in (
            frozenset(rnd.sample(sorted(n.wordset), min(k % 4, len(n.wordset)))),
            n.wordset & personal_attack._BRAIN_WORDS,
            n.wordset & personal_attack._VARIANT_WORDS,
        ):
            assert personal_attack._where(n, vocabulary) == [i for i, w in enumerate(n.words) if w in vocabulary]


# -- sixth pass (issue #11): personal_attack's own look-ups ---------------------------------


@pytest.mark.parametrize("seed", [5, 6])
def test_personal_attack_breaks_match_clause_breaks(seed):
    # personal_attack._Breaks answers "a clause break before word i" per word
    # asked; Normalized.clause_breaks finds them all (three ways by count).
    words, groups = sa.vocabulary()
    rnd = random.Random(seed)
    marks = [".", "!", "?", ";", "\n", "...", " . ", ",", "?!", "\u2026", "\u3002", "  "]
    for k in range(120):
        gen = sa.Generator(random.Random(seed * 1000 + k), words, groups)
        chunks = [gen.chunk() for _ in range(rnd.randint(1, 30))]
        chunks += rnd.choices(marks, k=rnd.choice((0, 5, 40, 700)))
        rnd.shuffle(chunks)
        text = sa.render(chunks, rnd.choice((60, 800, 5000)))
        if rnd.random() < 0.3:
            text = rnd.choice(marks) + text + rnd.choice(marks)
        n = Normalized(text)
        eager = n.clause_breaks
        lazy = personal_attack._Breaks(Normalized(text))
        asked = list(range(len(n.words) + 1))
        rnd.shuffle(asked)
        if isinstance(eager, frozenset):
            assert [lazy[i] for i in asked] == [i in eager for i in asked]
        else:  # the lazy reference answers 0 < i < len(words) only
            inner = [i for i in asked if 0 < i < len(n.words)]
            assert [lazy[i] for i in inner] == [i in eager for i in inner]


def test_threat_skip_of_unaimed_weak_verbs_changes_nothing(monkeypatch):
    """``threat.run`` skips an ambiguous verb with no person or group in the
    three words after it; without the skip (an empty ``_WEAK_ONLY``) every
    finding is the same."""
    from moderation.checks.rules import threat

    vocabulary = sorted(threat.WEAK_VERBS | threat.STRONG_VERBS) + [
        "you",
        "him",
        "them",
        "muslims",
        "the",
        "up",
        "to",
        "death",
        "shit",
        "out",
        "of",
        "i'll",
        "gonna",
        "should",
        "be",
        "let",
        "rid",
        "wish",
        "die",
        "kick",
        "wipe",
        ".",
        "!",
        "Smith",
    ]
    rnd = random.Random(7)
    texts = [" ".join(rnd.choices(vocabulary, k=rnd.randint(3, 400))) for _ in range(600)]
    fast = [threat.run(Normalized(text), None) for text in texts]  # type: ignore[arg-type]
    monkeypatch.setattr(threat, "_WEAK_ONLY", frozenset())
    assert fast == [threat.run(Normalized(text), None) for text in texts]  # type: ignore[arg-type]
    assert any(fast)


def test_promotion_back_matches_the_character_walk():
    """``promotion._back`` (``str.rstrip``) finds the start the walk back one
    character at a time found."""

    def walk(norm, end, chars, limit):
        start = end
        floor = max(0, end - limit)
        while start > floor and norm[start - 1] in chars:
            start -= 1
        return start

    rnd = random.Random(8)
    alphabet = list("abz09-._%+@/ \nXé\u0301") + ["\u0661", "ж"]
    for _ in range(20000):
        text = "".join(rnd.choices(alphabet, k=rnd.randint(0, 300)))
        end = rnd.randint(0, len(text))
        limit = rnd.choice((0, 1, 5, 63, 64, 253))
        for chars in (promotion._HOST_CHARS, promotion._NAME_CHARS, promotion._LOCAL_CHARS):
            assert promotion._back(text, end, chars, limit) == walk(text, end, chars, limit)


def test_email_anchor_matches_its_plain_form_on_addresses():
    plain = re.compile(_PLAIN_PATTERNS["_EMAIL_ANCHOR"])
    pieces = ["@", ".", "-", "a", "b1", "mail", "com", "co", "uk", "x" * 30, "q" * 70, "1", "_", " ", "é", "'s"]
    rnd = random.Random(11)
    found = 0
    for _ in range(20000):
        text = "".join(rnd.choices(pieces, k=rnd.randint(1, 30)))
        fast = [(m.span(), m.groups()) for m in promotion._EMAIL_ANCHOR.finditer(text)]
        assert fast == [(m.span(), m.groups()) for m in plain.finditer(text)], text
        found += bool(fast)
    assert found > 50


def test_strip_scheme_is_the_prefix_substitution():
    pieces = ["http", "https", "://", ":/", "s", "www.", "www", ".", "/", "a", "h", "ttp", "\n"]
    rnd = random.Random(12)
    for _ in range(20000):
        url = "".join(rnd.choices(pieces, k=rnd.randint(0, 8)))
        assert promotion._strip_scheme(url) == re.sub(r"^(?:https?://)?(?:www\.)?", "", url), url

"""Commercial or personal promotion.

Evidence is collected as weighted signals and reported only when the total
reaches 1.0, so one ordinary word ("free speech", "the party won") never
flags a comment while a link, a phone number or a typical pitch does:

* links: a link alone is only a weak hint (0.5), because readers share
  sources all the time, and a platform's own link wrapper (Twitter's
  ``t.co``, which rewrites EVERY link in a tweet) is just a link.  More
  links add little (0.15 each), so a tweet with a photo and a link is not
  spam.  Third-party URL shorteners (``bit.ly``, ``tinyurl.com``: they hide
  the target, which is what spammers want) and messenger invites
  (``t.me``, ``wa.me``) count 1.0 alone;
* e-mail addresses (1.0), phone numbers (1.0, nine to fifteen digits that
  make a valid number);
* pitch phrases: "check out my", "subscribe to my channel", "follow me",
  "work from home", "click here", "you have won", "txt/reply STOP" ... (1.0);
* pitch words that only add up: "free", "prize", "discount", "bitcoin",
  "casino", money amounts ... (0.3 each, so four are needed);
* premium-SMS calls to action: short codes ("text WIN to 80086"), a
  capitalised keyword after text/txt/reply ("reply YES", "txt GIRL") and
  prices per message ("150p/msg") (1.0; per-message prices 0.7);
* repeated text (``context.duplicate_count``) and promotional author
  metadata;
* self-promotion from comment sections ("check out my channel", "sub for
  sub", "like and share", "site dot com"): see ``promotion_shapes``.

Phone-shaped digit runs that are references (IP addresses in talk-page
signatures, lists of years, ISBNs) are not phone numbers, and a candidate
must be a number some country has assigned (``phonenumbers``, see
``_valid_phone``): "In 2019 2020 2021", order numbers, dates and amounts
are not.

Metadata convention: findings about the author's name or e-mail use the
rules ``promotion.author_name`` / ``promotion.author_email`` with
``start == end == 0`` and the offending value as ``evidence`` (it is not
part of the comment text).  A duplicate comment is reported as
``promotion.duplicate`` spanning the whole comment.

All regexes use bounded, non-nested quantifiers and a look-behind that
rejects starts in the middle of a run, so scanning stays linear.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from itertools import compress, islice, repeat
from operator import itemgetter

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

from ..data.tlds import ICANN_TLDS, NEW_GTLDS
from ..normalize import Normalized, fold, register_triggers
from ..values import CheckContext, Finding
from . import MAX_PER_RULE, finding, match_phrase, phrase_index, promotion_shapes

# Top-level domains: the ICANN labels of the Public Suffix List (generated,
# ``checks/data/tlds.py``).  Links are found from anchors that start with a
# literal character (the regex engine can jump straight to them):
# "http"/"www." for full URLs and ".<label>" for bare domains, whose label is
# then looked up in the set (one hash lookup, where an alternation of ~1,300
# names would be tried one by one at every dot) and whose host is read
# backwards (bounded).
_SCHEME_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'\u2026]{2,300}")
# Its two branches apart, each starting with a literal (the regex engine
# jumps between "http"s or "www."s instead of testing every character
# against {h, w} and trying both branches at every "h" and "w"): see
# ``_scheme_urls``.
_SCHEME_URLS = (
    ("http", re.compile(r"https?://[^\s<>\"'\u2026]{2,300}")),
    ("www.", re.compile(r"www\.[^\s<>\"'\u2026]{2,300}")),
)
_TLD_ANCHOR = re.compile(r"\.([a-z]{2,24})(?![\w\-]|'[a-z])(/[^\s<>\"']{0,300})?")
# Its labels that are top-level domains.
_TLD_LABELS = frozenset(label for label in ICANN_TLDS if re.fullmatch(r"[a-z]{2,24}", label))


def _trie_pattern(words: list[str]) -> str:
    """A regex (no capturing group) that matches exactly ``words``, written as a trie: at each
    character the engine tries the branches whose first letter is that character, instead of
    every word one after another."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for c in word:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(c) + emit(sub) for c, sub in sorted(node.items()) if c]
        if "" in node:
            branches.append("")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(tree)


# ``_TLD_ANCHOR`` with a top-level domain as its label: in a text without a "/", the
# matches of ``_TLD_ANCHOR`` whose label is one, and only those (see ``_tld_anchors``).
# Dot-dense hostile text ("serbs.kill#ll serbs.the ...") has hundreds of anchors whose
# label is an ordinary word, each a match object and a loop step in ``_links`` only to be
# skipped; the trie fails on most of them at the first or second letter (and the
# look-ahead at once on the dots of "9.408). 53(+83.7(7.").  The trie is atomic: the
# longest top-level domain that starts the label is the only one the look-ahead can
# accept (after a shorter one comes a letter), so when it fails (".nig" after "ni", by
# the hundred in hostile text) the engine gives up at once instead of trying every
# shorter word and every other branch.
_TLD_TRIE = "(?>" + _trie_pattern(sorted(_TLD_LABELS)) + ")"
_TLD_LABEL_ANCHOR = re.compile(r"\.(?=[a-z])(" + _TLD_TRIE + r")(?![\w\-]|'[a-z])(/[^\s<>\"']{0,300})?")
# ``_TLD_LABEL_ANCHOR``, or else a ``_TLD_ANCHOR`` match with a path (its label runs up
# to a "/") and no group: in a text with a "/", its matches with a label are exactly
# the full scan's whose label is a top-level domain (see ``_tld_anchors``).
_TLD_PATH_ANCHOR = re.compile(
    r"\.(?=[a-z])(?:(" + _TLD_TRIE + r")(?![\w\-]|'[a-z])(/[^\s<>\"']{0,300})?|[a-z]{2,24}+/[^\s<>\"']{0,300})"
)
_LABEL = itemgetter(1)
# Country codes that are also file extensions ("setup.py", "notes.md").
_FILE_EXTENSIONS = frozenset("py sh md rs ps".split())
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")
_NAME_CHARS = _HOST_CHARS - {"."}
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
# The same sets as strings, for ``str.rstrip``.
_STRIP = {chars: "".join(sorted(chars)) for chars in (_HOST_CHARS, _NAME_CHARS, _LOCAL_CHARS)}
# Possessive runs ("{1,63}+"): a label is followed by a dot or the end, so a
# shorter run is never a match, and "@handle" without a dot (Twitter's, by the
# dozen in a thread) fails at once instead of retrying every shorter handle.
_EMAIL_ANCHOR = re.compile(r"@[a-z0-9\-]{1,63}+(?:\.[a-z0-9\-]{1,63}+){0,4}\.[a-z]{2,24}+(?![\w\-])")
# Whole-string forms, for author metadata.
_URL = re.compile(r"(?:https?://|www\.)\S{2,300}")
_BARE_DOMAIN = re.compile(r"([a-z0-9\-]{1,63})\.([a-z]{2,24})(?![\w\-])")
_SHORTENERS = frozenset(
    """
    bit.ly tinyurl.com goo.gl ow.ly is.gd buff.ly rebrand.ly cutt.ly
    shorturl.at tiny.cc rb.gy linktr.ee bitly.com s.id v.gd
    shorte.st adf.ly bl.ink qr.co
    """.split()
)
# Invitations to a private chat or channel: contact offers, never sources.
_MESSENGER_HOSTS = frozenset("t.me wa.me chat.whatsapp.com discord.gg telegram.me".split())
LINK_WEIGHT = 0.5
# Links and addresses collected at most: plenty to judge and to show.
_MAX_LINKS = 3 * MAX_PER_RULE
EXTRA_LINK_WEIGHT = 0.15
_EMAIL = re.compile(r"[a-z0-9._%+\-]{1,64}@[a-z0-9\-]{1,63}\.[a-z]{2,24}")
# Starts with \d (no look-behind) so the scan stays cheap; the boundary
# checks are done on the few matches.
_PHONE = re.compile(r"\d[\d \-().]{7,20}\d(?!\d)")
_DECIMAL = re.compile(r"\d{1,20}\.\d{1,20}")
# Patterns below that would start with a look-behind or "\b" start with a
# literal or a class instead and check the boundary right after it
# ("t(?<!\wt)" is "\bt", "\d(?<![\d.,]\d)" is "(?<![\d.,])\d"): the same
# matches, but the regex engine skips to candidate characters instead of
# trying every position (2-5x less CPU on long text).
# "text WIN to 80086", "reply YES to 8007": premium SMS short codes.
_SHORTCODE = re.compile(
    r"(?:t(?<!\wt)(?:ext|xt)|s(?<!\ws)(?:end|ms)|r(?<!\wr)eply|c(?<!\wc)all)\b[^.!?\n]{0,20}?\bto\s\d{4,6}\b"
)
# Every _SHORTCODE match ends with one of these, and starts at most
# _SHORTCODE_REACH characters before it (the longest verb, "reply", and the
# lazy gap of 20): ``_shortcodes`` scans only there.
_SHORTCODE_TAIL = re.compile(r"to\s\d{4,6}\b")
_SHORTCODE_REACH = 25
# Literal first character, so the scan jumps between "p"s instead of testing
# every character against a class.
_PENCE = re.compile(r"p(?<=\dp)(?=/|\s|$)")
_MONEY_WORDS = frozenset("usd dollar dollars pound pounds euro euros gbp ppm".split())
# "150p/msg", "£1.50/min", "1.50 per msg": premium-rate pricing.
_PER_MESSAGE = re.compile(
    r"/(?:msg|min|sms|txt|text|call|wk|week)\b|p(?<!\wp)er (?:msg|sms|txt|text|message|min|minute)\b"
)
# _PER_MESSAGE's two branches apart, each starting with a literal ("per"
# with the look-behind after it: the same test of the character before the
# "p").  A match of either holds no start of another, so together they find
# _PER_MESSAGE's matches (see ``_first_matches``).
_PER_SLASH = re.compile(r"/(?:msg|min|sms|txt|text|call|wk|week)\b")
_PER_WORD = re.compile(r"per(?<!\wper) (?:msg|sms|txt|text|message|min|minute)\b")
# "reply YES", "txt GIRL", "text STOP": a keyword to send back.  Matched on
# the ORIGINAL text (the keyword is in capitals), after a cheap word test.
_SMS_KEYWORD = re.compile(
    r"(?:T(?<!\wT)(?:ext|EXT|xt|XT)|t(?<!\wt)(?:ext|xt)|R(?<!\wR)(?:eply|EPLY)|r(?<!\wr)eply|S(?<!\wS)MS)"
    r"\s(?:(?:the|word|back|with|now)\s){0,3}[\"']?([A-Z][A-Z0-9]{1,12})\b"
)
_SHORTCODE_VERBS = frozenset("text txt send reply call sms".split())
_KEYWORD_VERBS = frozenset("text txt reply sms".split())
# Every form of _SMS_KEYWORD's verb holds one of these marks, this many
# characters after the verb's start ("Text"/"text" and "Txt"/"txt" hold
# "xt", "TEXT" and "TXT" hold "XT" ...): ``_sms_keywords`` tries the
# pattern only at those starts, unless there are more than _MAX_SMS_MARKS.
_SMS_MARKS = (("xt", (2, 1)), ("XT", (2, 1)), ("eply", (1,)), ("EPLY", (1,)), ("SMS", (0,)))
_MAX_SMS_MARKS = 64
# Capitalised words after "text"/"reply" that are ordinary speech.
_NOT_KEYWORDS = frozenset("I A OK US UK EU UN THE AND OR TO OF IN ON IT IS BY AT AN AS".split())
# Money amounts, one regex per form so that each runs only when its cheap
# gate (a currency sign, a "p" after a digit, a unit word) is present.
_MONEY_SIGN = re.compile(r"[$£€]\s?\d{1,7}(?:[.,]\d{1,3}){0,3}")
# The same, one pattern per sign: a literal first character, where the
# class would be tested against every character of the text.  A match holds
# one sign, at its start, so together they find _MONEY_SIGN's matches.
_MONEY_SIGNS = tuple((sign, re.compile(re.escape(sign) + r"\s?\d{1,7}(?:[.,]\d{1,3}){0,3}")) for sign in "$£€")
_MONEY_PENCE = re.compile(r"\d(?<![\d.,]\d)\d{0,3}p(?=/|\s|$)")
# Every _MONEY_UNIT match contains one of these: without any, it is not run.
_UNITS = ("usd", "dollars", "pounds", "euros", "gbp", "p/min", "ppm", "/hr", "/hour", "/day", "/week")
# The units with a "/" found by one scan between the "/"s (a substring search
# each cost a pass over the text), and the others: ``_has_unit``.
_SLASH_UNITS = re.compile(r"/(?:(?<=p/)min|hr|hour|day|week)")
_WORD_UNITS = tuple(unit for unit in _UNITS if "/" not in unit)
_MONEY_UNIT = re.compile(
    r"\d(?<![\d.,]\d)\d{0,6}(?:[.,]\d{1,3}){0,3}\s?(?:usd|dollars|pounds|euros|gbp|p/min|ppm|/hr|/hour|/day|/week)(?![a-z])"
)
# A _MONEY_UNIT match starts at most this many characters before its unit
# (a digit, six more, three groups of a separator and three digits, a space):
# ``_unit_amounts`` scans only there.
_UNIT_REACH = 20
# The plain scan costs about a regex try per digit, the windows about two
# per unit word: with more unit words than this, or than a quarter of the
# digits (hostile text), the plain scan is the cheaper.
_MAX_UNIT_WINDOWS = 64

STRONG_PHRASES = tuple(
    tuple(p.split())
    for p in """
    check out my|check my channel|visit my|subscribe to my|subscribe my|
    follow me|follow us|my channel|my youtube|my blog|my website|my site|
    my page|my profile|my shop|my store|my onlyfans|link in bio|link in my bio|
    click here|click the link|click this link|click on the link|
    work from home and earn|earn from home|make money online|
    make money from home|make money fast|earn money online|earn extra cash|
    per hour from home|from the comfort of your home|passive income|
    you have won|you've won|u have won|you have been selected|claim your|
    to claim|call now|reply stop|text stop|txt stop|send stop|
    free entry|hot singles|sexy singles|meet singles|dm me|inbox me|
    whatsapp me|message me on|contact me on|text me on|add me on|
    buy now|order now|shop now|limited time offer|limited offer|cash prize|
    promo code|discount code|coupon code|use code|100% free|risk free|
    guaranteed income|investment opportunity|trading signals|
    best price|lowest price|free trial|free gift|sign up now|join now|
    visit our|visit us|chance to win|you could win|a chance to win|
    to opt out|opt out|to unsubscribe|for more info|free msg|freemsg|
    await collection|awaiting collection|text back|txt back|reply with|
    call our|call us on|call us at|visit our store|visit our shop|order yours|get yours|free delivery|free shipping|
    apply now|register now|download now|act now|don't miss out
    """.replace("\n", " ").split("|")
)
_STRONG_INDEX = phrase_index(STRONG_PHRASES)
_STRONG_FIRST = frozenset(_STRONG_INDEX)
PITCH_WORDS = frozenset(
    """
    free prize prizes winner cash discount discounts offer offers deal deals
    cheap bitcoin crypto forex casino casinos betting jackpot bonus reward
    rewards claim urgent guaranteed subscribe subscribers followers loan
    loans voucher vouchers award awarded congratulations congrats exclusive
    viagra cialis pills ringtone ringtones unsubscribe txt income earn
    earning earnings profit profits invest investment dating singles
    opportunity reply sms msg lucky winners win won selected ringtone
    tones download downloads callback subscription optout xxx sexy flirt
    flirting gift gifts expires
    """.split()
)
# Invitations to act; each is a weak hint, like a pitch word.
_CALLS = frozenset("click visit call text txt send reply buy order join register".split())
MESSENGERS = frozenset(
    "whatsapp telegram wechat kik snapchat skype viber signal instagram insta ig tiktok onlyfans discord".split()
)


_WORD_TRIGGERS = PITCH_WORDS | MESSENGERS | _CALLS
register_triggers(_WORD_TRIGGERS | _STRONG_FIRST)
# ASCII digits and phone punctuation -> "9", any other ASCII character -> "x":
# every ``_PHONE`` match lies inside a run of at least nine "9"s of this shape
# (its characters are all in ``[\d \-().]``, and it is at least 9 long).
_PHONE_SHAPE = {ord(c): "9" for c in "0123456789 -()."}
_PHONE_TABLE = {i: _PHONE_SHAPE.get(i, "x") for i in range(128)}
# (No longer a bound here: ``_phone_matches`` has no per-run step.  Kept
# because ``test_adversarial_paths`` counts its texts with this many runs.)
_MAX_PHONE_RUNS = 16
_ANY_DIGIT = re.compile(r"\d")
_ASCII_BYTES = bytes(range(128))
# The same shape of the UTF-8 bytes (every byte of a non-ASCII character is
# 0x80 or above: "x"): ``bytes.translate`` with a 256-byte table is a plain C
# loop, where the text's own translate looks each character up in a dict.
_PHONE_BYTES = bytes(ord(_PHONE_TABLE[i]) if i < 128 else ord("x") for i in range(256))
_NINE_NINES_BYTES = b"9" * 9
# The phone classes of a UTF-8 byte: "d" for an ASCII digit, "p" for the
# other phone characters, "c" for a continuation byte of a non-ASCII
# character (0x80-0xbf: counted to turn byte offsets into character
# offsets), "x" for anything else.
_PHONE_CLASSES = bytes(
    ord("d" if chr(i).isdigit() else "p" if _PHONE_TABLE[i] == "9" else "x")
    if i < 128
    else ord("c" if i < 0xC0 else "x")
    for i in range(256)
)
# ``_PHONE`` written over those classes: on the classes of a text without
# non-ASCII digits it matches exactly where ``_PHONE`` matches the text (a
# non-ASCII character is "x" and its "c"s, neither a digit nor phone
# punctuation).  Its first character is a literal, so the regex engine
# skips to the next digit in a tight loop instead of testing a category at
# every character.
_PHONE_CLASS_RUN = re.compile(rb"d[dp]{7,20}d(?!d)")
_NINES_BYTES = re.compile(b"9+")  # (matches wherever ``_NINE_NINES_BYTES`` was found)


def _phone_matches(text: Normalized, data: bytes) -> Iterator[re.Match[str]]:
    r"""``_PHONE.finditer(text.norm)``, found on the phone classes of the text.

    ``_PHONE`` starts with ``\d``, so the regex engine tests every character of
    the text against a category (~50 instructions each, more with the failed
    tries at digits).  A match lies inside a maximal run of ``[\d \-().]``
    at least 9 long, so a text whose phone shape (``_PHONE_BYTES`` of its
    UTF-8 bytes: one C-level translate and a literal search) has no nine
    "9"s holds none, and matches lie between the start of the first such run
    and the end of the last.  The class string of the bytes there
    (``_PHONE_CLASSES``, another translate) is scanned instead
    (``_PHONE_CLASS_RUN``): its matches are ``_PHONE``'s, and each start
    (a byte offset, less the continuation bytes before it) is matched again
    on the text (a few steps) for the ``re.Match`` the caller reads.  A
    match reads nothing outside its run (its look-ahead ``(?!\d)`` sees a
    character outside the class, or the end), so the scan's bounds change
    nothing.
    Non-ASCII characters are "x" in both, so a non-ASCII decimal digit
    (``\d`` matches it, the tables do not) means a plain scan; so does a text
    whose non-ASCII characters are not rare (the test for such digits would
    cost what the plain scan costs).
    ``data`` is the text's UTF-8 encoding: without its ASCII bytes, it holds
    exactly the non-ASCII characters.
    """
    norm = text.norm
    multibyte = len(data) != len(norm)
    if multibyte:
        if (len(data) - len(norm)) * 16 > len(norm):
            return _PHONE.finditer(norm)
        if _ANY_DIGIT.search(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
            return _PHONE.finditer(norm)
    shape = data.translate(_PHONE_BYTES)
    first = shape.find(_NINE_NINES_BYTES)
    if first < 0:
        return iter(())
    last = _NINES_BYTES.match(shape, shape.rfind(_NINE_NINES_BYTES))
    classes = data[first : last.end() if last is not None else len(data)].translate(_PHONE_CLASSES)
    starts = map(_START, _PHONE_CLASS_RUN.finditer(classes))
    if multibyte:
        offsets = _char_offsets(starts, classes, len(data[:first].decode("utf-8", "surrogatepass")))
    else:
        offsets = map(first.__add__, starts)
    # (``match`` finds at each start the match ``finditer`` found there; the
    # ``filter`` only tells the type checker that it is never None.)
    return filter(None, map(_PHONE.match, repeat(norm), offsets))


def _char_offsets(starts: Iterator[int], classes: bytes, base: int) -> Iterator[int]:
    """Character offsets of ascending byte offsets ``starts`` of ASCII characters in
    the part of a UTF-8 text that ``classes`` shapes ("c" for each continuation
    byte), which starts at character ``base``."""
    before = at = 0
    for start in starts:
        before += classes.count(b"c", at, start)
        at = start
        yield base + start - before


def _back(norm: str, end: int, chars: frozenset[str], limit: int) -> int:
    """Start of the run of ``chars`` ending at ``end`` (at most ``limit`` back).

    ``str.rstrip`` walks back in C (one Python step per character read was
    most of the link scan on dot-chained hostile text)."""
    floor = max(0, end - limit)
    return floor + len(norm[floor:end].rstrip(_STRIP[chars]))


def _link_kind(host: str) -> tuple[float, str]:
    host = host.removeprefix("www.")
    if host in _MESSENGER_HOSTS:
        return 1.0, "promotion.handle"
    if host in _SHORTENERS:
        return 1.0, "promotion.shortener"
    return LINK_WEIGHT, "promotion.link"


def _digit_count(data: bytes) -> int:
    """ASCII digits of a text from its UTF-8 bytes (``bytes.translate`` with a
    delete set runs in C).  Every byte of a multi-byte UTF-8 sequence is
    0x80 or above, so the digit bytes are exactly the ASCII digits."""
    return len(data) - len(data.translate(None, b"0123456789"))


def _bare_link(norm: str, m: re.Match[str], text: Normalized | None) -> bool:
    """Whether ``name.label`` (no scheme, no "www.") may be a link rather than
    two sentences typed without a space ("right.now", "end.It was").

    A label of the newer generic domains (words and brands: .how .now .one
    .love) needs a link shape: a path, or a digit or hyphen in the name
    before it.  A two-letter or newer label written with a capital after a
    lower-case letter starts a sentence ("end.It", "so.My"); older generic
    domains (".Com", ".Net") are kept, spammers capitalise them.  Only the
    name before the dot is read (bounded), before the whole host is.
    """
    label = m.group(1)
    dot = m.start()
    if label in NEW_GTLDS and m.group(2) is None:
        name = norm[_back(norm, dot, _NAME_CHARS, 63) : dot]
        if not any(c.isdigit() or c == "-" for c in name):
            return False
    if text is not None and (len(label) == 2 or label in NEW_GTLDS):
        original = text.original
        if len(original) == len(norm):  # nothing expanded: the same offsets
            before, first = original[dot - 1], original[dot + 1]
        else:
            s, e = text.span(dot - 1, dot + 2)
            before, first = original[s : s + 1], original[e - 1 : e]
        if first.isupper() and before.islower():
            return False
    return True


def _strip_scheme(url: str) -> str:
    """``re.sub(r"^(?:https?://)?(?:www\\.)?", "", url)`` with string tests (a ``re.sub`` per link
    cost more than the link scan on a thread of tweets)."""
    if url.startswith("http://"):
        url = url[7:]
    elif url.startswith("https://"):
        url = url[8:]
    return url.removeprefix("www.")


def _scheme_urls(norm: str) -> Iterator[re.Match[str]]:
    """``_SCHEME_URL.finditer(norm)`` from its branches' scans.

    The branches start with different characters, so at most one matches at
    a position, and the alternation's next match is the branches' leftmost
    one from where the last match ended.
    """
    scans = [pattern for gate, pattern in _SCHEME_URLS if gate in norm]
    if len(scans) < 2:
        if scans:
            yield from scans[0].finditer(norm)
        return
    searches = [pattern.search for pattern in scans]
    nexts = [search(norm) for search in searches]
    while True:
        found = [m for m in nexts if m is not None]
        if not found:
            return
        m = min(found, key=_START)
        yield m
        end = m.end()
        nexts = [n if n is None or n.start() >= end else search(norm, end) for n, search in zip(nexts, searches)]


def _tld_anchors(norm: str) -> Iterator[re.Match[str]]:
    """The ``_TLD_ANCHOR`` matches that ``_links`` reads past its label test.

    A match is a dot, a label (the whole run of letters after the dot) and,
    if a "/" follows, a path.  Whether a match starts at a dot depends on
    the text alone, and ``finditer`` takes the next one from where the last
    ended: only a match with a path can hide a later dot.  So the full
    scan's matches whose label is a top-level domain are those of a scan for
    them and for the other matches with a path (``_TLD_PATH_ANCHOR``, the
    latter without a label and dropped here), and without a "/" those of
    ``_TLD_LABEL_ANCHOR``.  Dot-dense hostile text pays a regex step per dot,
    not a match object and a loop step.
    """
    if "/" in norm:
        return filter(_LABEL, _TLD_PATH_ANCHOR.finditer(norm))
    return _TLD_LABEL_ANCHOR.finditer(norm)


def _links(norm: str, text: Normalized | None = None) -> list[tuple[int, int, float, str]]:
    sig: list[tuple[int, int, float, str]] = []
    covered_until = -1
    if "http" in norm or "www." in norm:
        for m in _scheme_urls(norm):
            if m.start() > 0 and (norm[m.start() - 1].isalnum() or norm[m.start() - 1] in "@.-"):
                continue
            host = _strip_scheme(m.group()).split("/")[0]
            if "." not in host.strip(".") or len(host) < 4:
                continue  # "http://" with the rest cut off is not a link
            sig.append((m.start(), m.end(), *_link_kind(host)))
            covered_until = max(covered_until, m.end())
            if len(sig) >= _MAX_LINKS:
                return sig
    if "." in norm:
        last = 0
        # The host read back from the previous dot: a chain "a.b.c.d" is read once, not once per dot.
        read_from = read_to = -1
        for m in _tld_anchors(norm):
            dot = m.start()
            if dot < covered_until or dot < last:
                continue
            label = m.group(1)
            if label not in ICANN_TLDS or label in _FILE_EXTENSIONS or not _bare_link(norm, m, text):
                continue
            if 0 <= read_to <= dot and dot - read_from <= 253 and _HOST_CHARS.issuperset(norm[read_to:dot]):
                start = read_from
            else:
                start = _back(norm, dot, _HOST_CHARS, 253)
            read_from, read_to = start, dot
            while start < dot and not norm[start].isalnum():
                start += 1
            if start == dot or (start > 0 and norm[start - 1] in "@/") or norm[start:dot].endswith("."):
                continue
            last = m.end()
            host = norm[start : m.end()].split("/")[0]
            sig.append((start, m.end(), *_link_kind(host)))
            if len(sig) >= _MAX_LINKS:
                return sig
    if "@" in norm:
        for m in _EMAIL_ANCHOR.finditer(norm):
            start = _back(norm, m.start(), _LOCAL_CHARS, 64)
            while start < m.start() and not norm[start].isalnum():
                start += 1
            if start < m.start():
                sig.append((start, m.end(), 1.0, "promotion.email"))
                if len(sig) >= _MAX_LINKS:
                    break
    return sig


def _has_unit(norm: str, slash: bool) -> bool:
    """``any(unit in norm for unit in _UNITS)``."""
    return any(unit in norm for unit in _WORD_UNITS) or (slash and _SLASH_UNITS.search(norm) is not None)


def _unit_amounts(norm: str, slash: bool, digits: int = 0) -> Iterator[re.Match[str]]:
    r"""``_MONEY_UNIT.finditer(norm)``, scanning only in reach of a unit.

    _MONEY_UNIT starts with ``\d``, so on digit-dense text the regex engine
    tries a match at every digit (a scan of the whole text once any unit
    appears anywhere); the units are found by substring searches instead
    (every occurrence, overlapping ones too: "usdollars").  Each match lies
    in a window from _UNIT_REACH characters before its unit to the character
    after it (its look-ahead).  Overlapping windows are merged, so a match
    never crosses one; the engine reads the characters before a window's
    start for its look-behind.  A window ends one character after a unit,
    and no unit ends there (it would have been found and widened the
    window), so no match ends at the window's end, where the look-ahead
    would see the end of the string: the matches in a window are the full
    scan's there.  ``digits`` (the text's ASCII digits) sets when the plain
    scan is the cheaper (see _MAX_UNIT_WINDOWS).
    """
    most = max(_MAX_UNIT_WINDOWS, digits // 4)
    units: list[tuple[int, int]] = []
    for unit in _WORD_UNITS:
        i = norm.find(unit)
        while i >= 0:
            units.append((i, i + len(unit)))
            if len(units) > most:
                return _MONEY_UNIT.finditer(norm)
            i = norm.find(unit, i + 1)
    if slash:
        # No slash unit holds a second "/": their non-overlapping matches are all of them.
        for m in _SLASH_UNITS.finditer(norm):
            # ("p/min" starts at the "p" before the "/" the match starts at.)
            units.append((m.start() - 1, m.end()))
            if len(units) > most:
                return _MONEY_UNIT.finditer(norm)
    units.sort()
    size = len(norm)
    windows: list[list[int]] = []
    for start, end in units:
        lo = max(0, start - _UNIT_REACH)
        hi = min(size, end + 1)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    finditer = _MONEY_UNIT.finditer
    return (m for lo, hi in windows for m in finditer(norm, lo, hi))


def _first_matches(patterns: list[re.Pattern[str]], norm: str, limit: int) -> list[re.Match[str]]:
    """The first ``limit`` matches, in text order, of patterns no match of
    which holds the start of another's (so their ``finditer``s together are
    the ``finditer`` of their alternation)."""
    if len(patterns) == 1:
        return list(islice(patterns[0].finditer(norm), limit))
    found = [m for pattern in patterns for m in islice(pattern.finditer(norm), limit)]
    found.sort(key=_START)
    return found[:limit]


_START = re.Match.start


def _shortcodes(norm: str, limit: int | None = None) -> list[re.Match[str]]:
    r"""``_SHORTCODE.finditer(norm)`` (its first ``limit`` matches, or all),
    scanning only in reach of a "to 80086".

    _SHORTCODE starts with one of four letters, so the regex engine tests
    nearly every character; its tail (_SHORTCODE_TAIL) starts with a
    literal.  Each match lies in a window from _SHORTCODE_REACH characters
    before a tail to one character after it (where its final ``\b`` looks);
    overlapping windows are merged, so a match never crosses one, and the
    engine reads the characters before a window's start for its look-behind
    and ``\b``.  A window's end follows a tail's ``\b`` (a non-word
    character or the end), so no digit run ends there that the full text
    would continue.  The tails are scanned lazily: with a ``limit`` the
    scan stops at the window that completes it.
    """
    found: list[re.Match[str]] = []
    size = len(norm)
    finditer = _SHORTCODE.finditer
    lo = hi = -1
    for m in _SHORTCODE_TAIL.finditer(norm):
        start = max(0, m.start() - _SHORTCODE_REACH)
        if start > hi:
            if hi >= 0:
                found.extend(finditer(norm, lo, hi))
                if limit is not None and len(found) >= limit:
                    return found[:limit]
            lo = start
        hi = min(size, m.end() + 1)
    if hi >= 0:
        found.extend(finditer(norm, lo, hi))
    return found if limit is None else found[:limit]


# A _MONEY_PENCE match is one to four digits and the "p" of a _PENCE match
# (its look-ahead read one character on): it starts at most this many
# characters before that "p".
_PENCE_REACH = 4


def _pence_amounts(norm: str) -> Iterator[re.Match[str]]:
    r"""``_MONEY_PENCE.finditer(norm)``, scanning only in reach of a "5p ".

    _MONEY_PENCE starts with ``\d``, so the regex engine tests every
    character against a category; _PENCE starts with a literal.  Each match
    lies in a window from _PENCE_REACH characters before a _PENCE "p" to the
    character after it (its look-ahead), which is a "/", a space or the end:
    no match ends there, so the window's end is never read as ``$``.
    Overlapping windows are merged, so a match never crosses one; the engine
    reads the characters before a window's start for its look-behind.
    """
    size = len(norm)
    finditer = _MONEY_PENCE.finditer
    lo = hi = -1
    for m in _PENCE.finditer(norm):
        p = m.start()
        if p - _PENCE_REACH > hi:
            if hi >= 0:
                yield from finditer(norm, lo, hi)
            lo = max(0, p - _PENCE_REACH)
        hi = min(size, p + 2)
    if hi >= 0:
        yield from finditer(norm, lo, hi)


def _sms_keywords(original: str) -> Iterator[re.Match[str]] | list[re.Match[str]]:
    """``_SMS_KEYWORD.finditer(original)``, trying the pattern only where a verb
    can start (at its marks, _SMS_MARKS): the regex engine would test nearly
    every character.  Taking the match at each such start in order, skipping
    starts inside the previous match, is what ``finditer`` does."""
    starts: set[int] = set()
    for mark, backs in _SMS_MARKS:
        i = original.find(mark)
        while i >= 0:
            if len(starts) > _MAX_SMS_MARKS:
                return _SMS_KEYWORD.finditer(original)
            starts.update(i - b for b in backs if i >= b)
            i = original.find(mark, i + 1)
    out = []
    pos = 0
    match = _SMS_KEYWORD.match
    for start in sorted(starts):
        if start >= pos:
            m = match(original, start)
            if m is not None:
                out.append(m)
                pos = m.end()
    return out


def _signals(text: Normalized) -> list[tuple[int, int, float, str]]:
    """(start, end, weight, rule) in ``norm`` coordinates."""
    norm = text.norm
    sig = _links(norm, text)
    data = norm.encode("utf-8", "surrogatepass")
    digits = _digit_count(data)
    phones = 0
    checked = 0
    if digits >= 9:
        for m in _phone_matches(text, data):
            # The cheapest test first (the tests before validation are
            # filters, so their order changes nothing): most phone-shaped
            # runs of hostile text have too few or too many digits.
            if not 9 <= sum(map(str.isdigit, m.group())) <= 15:
                continue
            start = m.start()
            if start > 0 and (norm[start - 1].isalnum() or norm[start - 1] in "_#"):
                continue  # inside a word, or an HTML entity "&#128514;"
            if _DECIMAL.fullmatch(m.group()):
                continue  # "0.000000001" is a number, not a phone
            if _not_a_phone(norm, m):
                continue
            if checked < _MAX_PHONE_CHECKS:
                # Beyond the cap a candidate counts on its shape, as
                # before validation: padding cannot hide a number.
                checked += 1
                if not _real_phone(norm, m):
                    continue
            sig.append((start, m.end(), 1.0, "promotion.phone"))
            phones += 1
            if phones >= MAX_PER_RULE:
                break  # enough evidence; hostile input may hold thousands
    wordset = text.wordset
    if digits:
        money: list[list[re.Match[str]]] = []
        signs = [pattern for sign, pattern in _MONEY_SIGNS if sign in norm]
        if signs:
            money.append(_first_matches(signs, norm, MAX_PER_RULE))
        if _PENCE.search(norm):
            money.append(list(islice(_pence_amounts(norm), MAX_PER_RULE)))
        slash = "/" in norm
        if (wordset & _MONEY_WORDS or slash) and _has_unit(norm, slash):
            money.append(list(islice(_unit_amounts(norm, slash, digits), MAX_PER_RULE)))
        for matches in money:
            for m in matches:
                sig.append((m.start(), m.end(), 0.3, "promotion.pitch"))
        if slash or "per" in wordset:
            per = [_PER_SLASH] if slash else []
            if "per " in norm:
                per.append(_PER_WORD)
            if per:
                for m in _first_matches(per, norm, MAX_PER_RULE):
                    sig.append((m.start(), m.end(), 0.7, "promotion.premium_rate"))
        if wordset & _SHORTCODE_VERBS:
            # Each weighs 1.0: once MAX_PER_RULE are in, the rule is settled
            # by their own weight (see ``_settled``), and later ones (hostile
            # text repeats "text WIN to 80086" dozens of times) change nothing.
            for m in _shortcodes(norm, MAX_PER_RULE):
                sig.append((m.start(), m.end(), 1.0, "promotion.shortcode"))
    if wordset & _KEYWORD_VERBS and not _settled(sig, "promotion.shortcode"):
        spans = [m.span() for m in _sms_keywords(text.original) if m.group(1) not in _NOT_KEYWORDS]
        for s, e in _to_norm_spans(text, spans):
            sig.append((s, e, 1.0, "promotion.shortcode"))
    if _settled(sig, "promotion.pitch"):
        # Pitch signals can change nothing (hostile text full of trigger
        # words): only the messengers are read.
        strong_firsts: frozenset[str] = frozenset()
        hits = wordset & MESSENGERS
    else:
        strong_firsts = _STRONG_INDEX.firsts(text)
        hits = (wordset & _WORD_TRIGGERS) | strong_firsts
    positions = text.indices(hits) if hits else []
    if positions:
        words = text.words
        seen_words: set[str] = set()
        for i in positions:
            w = words[i]
            if w in strong_firsts:
                phrase = match_phrase(words, i, _STRONG_INDEX)
                if phrase:
                    s, e = text.word_span(i, i + len(phrase) - 1)
                    sig.append((s, e, 1.0, "promotion.pitch"))
            if w in MESSENGERS:
                near = set(words[max(0, i - 3) : i + 4])
                if near & {"me", "us", "add", "dm", "message", "contact", "follow", "join", "inbox", "text"}:
                    s, e = text.word_span(i, i)
                    sig.append((s, e, 1.0, "promotion.handle"))
            if (w in PITCH_WORDS or w in _CALLS) and w not in seen_words:
                seen_words.add(w)
                s, e = text.word_span(i, i)
                sig.append((s, e, 0.3, "promotion.pitch"))
    sig.extend(promotion_shapes.signals(text))
    return sig


# ``run`` reports the first MAX_PER_RULE signals of each rule, each scored
# with a boost that grows with the total weight up to 4.0 and then stays at
# 0.3.  Once the weights so far reach this (a margin over 4.0 that no
# rounding of the sums can cross), later signals of a rule that already has
# MAX_PER_RULE change nothing: hostile text piles up dozens ("text WIN to
# 80086" over and over), and the scans for them can stop.
_SETTLED_WEIGHT = 4.5
# ``_signals`` keeps only the first MAX_PER_RULE short codes (weight 1.0
# each): their own weight must settle the rule.
assert MAX_PER_RULE * 1.0 >= _SETTLED_WEIGHT


def _settled(sig: list[tuple[int, int, float, str]], rule: str) -> bool:
    """Whether later signals of ``rule`` can change nothing: it has
    MAX_PER_RULE signals and the weights so far reach _SETTLED_WEIGHT (the
    weights but the links' are a lower bound of ``_total``)."""
    if len(sig) < MAX_PER_RULE:
        return False
    rules = list(map(_RULE, sig))
    if rules.count(rule) < MAX_PER_RULE:
        return False
    return sum(compress(map(_WEIGHT, sig), map("promotion.link".__ne__, rules))) >= _SETTLED_WEIGHT


_WEIGHT = itemgetter(2)
_RULE = itemgetter(3)


# Digit runs that look like phone numbers but are references: IP addresses
# (talk-page signatures "81.2.3.4 (talk)"), lists of years ("2004 2005
# 2006"), ISBNs and other identifiers named just before the number.
_IP = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
_YEARS = re.compile(r"(?:(?:1[89]|20)\d\d[\s\-\u2013,/]{1,3}){1,10}(?:1[89]|20)\d\d")
_ID_LABELS = ("isbn", "issn", "doi", "pmid", "oclc", "arxiv", "ref")


def _not_a_phone(norm: str, m: re.Match) -> bool:
    number = m.group().strip(" -().")
    # An IP address, also when the run goes on into the signature's time
    # ("81.2.3.4 14:02, 3 May 2007").
    if _IP.match(number) or _YEARS.fullmatch(number):
        return True
    before = norm[max(0, m.start() - 12) : m.start()].rstrip(" :#.-").split()
    return bool(before) and before[-1].strip("(:#.") in _ID_LABELS


# Phone candidates that pass the guards above are validated with
# ``phonenumbers`` (Google's libphonenumber metadata): a number written with
# "+" or "00" is checked as international; one with a national trunk prefix
# "0" as a number of the United Kingdom, Australia or India (the English-
# language regions whose numbers start with 0; its first 10 or 11 digits
# suffice, spam glues an age or a price on); an 11-digit one starting
# with 1 as North American; a 10-digit one as North American or as an Indian
# mobile; any
# other length as an international number whose "+" was left out.  A date,
# an amount, a run of mixed dots and hyphens ("562.48)346..582 9-8") is not
# a phone.  At most ``_MAX_PHONE_CHECKS`` candidates per comment are
# validated (the answers are cached per digit string); later candidates
# count on their shape.
_MAX_PHONE_CHECKS = 3
_DATE = re.compile(r"\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}(?!\d)|\d{4}[./\-]\d{1,2}[./\-]\d{1,2}(?!\d)")
_AMOUNT_WORDS = frozenset("dollars dollar usd pounds pound gbp euros euro eur bucks million billion rupees rs".split())
_TRUNK_ZERO_CODES = (44, 61, 91)  # GB, AU, IN


def _real_phone(norm: str, m: re.Match[str]) -> bool:
    number = m.group()
    if ".." in number or ("." in number and "-" in number) or _DATE.match(number):
        return False
    start = m.start()
    if start > 0 and norm[start - 1] in "$£€":
        return False
    after = norm[m.end() : m.end() + 12].split()
    if after and after[0].strip(".,;:!?") in _AMOUNT_WORDS:
        return False
    digits = "".join(filter(str.isdigit, number))
    international = norm[max(0, start - 2) : start].rstrip(" ").endswith("+")
    return _valid_phone(digits, international)


@lru_cache(maxsize=4096)
def _valid_phone(digits: str, international: bool) -> bool:
    """Whether ``digits`` is a number some country has assigned (see above)."""
    if digits.startswith("00"):
        digits, international = digits[2:], True
    if not international:
        if digits[0] == "0":
            # Premium-rate texts glue an age or a price on ("0870141701216+",
            # "08712400602450p"): a longer run whose first 10-11 digits are a number is one.
            return any(
                _assigned(cc, national)
                for national in {digits[1:], digits[1:11], digits[1:10]}
                for cc in _TRUNK_ZERO_CODES
            )
        if digits[0] == "1" and len(digits) == 11:
            return _assigned(1, digits[1:])
        if len(digits) == 10:
            # North American, or an Indian mobile (6-9...), written without a prefix.
            return _assigned(1, digits) or (digits[0] in "6789" and _assigned(91, digits))
    # Country codes are prefix-free: at most one of the first 1-3 digits is one.
    for n in (1, 2, 3):
        cc = int(digits[:n])
        if cc in COUNTRY_CODE_TO_REGION_CODE:
            return _assigned(cc, digits[n:])
    return False


# The kinds of number a region assigns (``phonenumbers.is_valid_number``
# tests the same patterns, after a parse that costs ~100 us: matching them
# here costs a few).
_KINDS = (
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "voicemail",
)
_PLANS: dict[int, list[tuple[re.Pattern[str], list[re.Pattern[str]]]]] = {}


def _assigned(cc: int, national: str) -> bool:
    """Whether ``national`` is a number of a kind some region of country code ``cc`` assigns."""
    plans = _PLANS.get(cc)
    if plans is None:
        plans = []
        for region in COUNTRY_CODE_TO_REGION_CODE.get(cc, ()):
            meta = PhoneMetadata.metadata_for_region_or_calling_code(cc, region)
            general = meta.general_desc if meta is not None else None
            if meta is None or general is None or not general.national_number_pattern:
                continue
            kinds = [getattr(meta, kind) for kind in _KINDS]
            plans.append(
                (
                    re.compile(general.national_number_pattern),
                    [
                        re.compile(d.national_number_pattern)
                        for d in kinds
                        if d is not None and d.national_number_pattern
                    ],
                )
            )
        _PLANS[cc] = plans
    return any(
        general.fullmatch(national) is not None and any(k.fullmatch(national) for k in kinds)
        for general, kinds in plans
    )


# Load the regions' metadata with the module, not on a comment's first phone.
for _cc in (*_TRUNK_ZERO_CODES, 1):
    _assigned(_cc, "0")
del _cc


def _to_norm_spans(text: Normalized, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Original-text spans -> ``norm`` spans (identity unless folding expanded characters).

    ``offsets`` (the index in ``original`` of every character of ``norm``)
    never decreases, so a position's first character of ``norm`` is found by
    bisection.  A long folded text keeps the map as a numpy array
    (``Normalized._offset_array``), and building its ``offsets`` list cost
    more than the rest of the rule on hostile text (5,000 Python ints): the
    array's ``searchsorted`` (bisect_left's answers) maps all spans at once.
    """
    if not spans:
        return spans
    array = text._offset_array
    if array is not None:
        found = array.searchsorted([i for span in spans for i in span]).tolist()
        return list(zip(found[::2], found[1::2]))
    offsets = text.offsets
    if offsets is None:
        return spans
    return [(bisect_left(offsets, start), bisect_left(offsets, end)) for start, end in spans]


def _bare_domain(folded: str) -> bool:
    """A ``host.tld`` in an author name (newer generic labels need a digit or hyphen in the host)."""
    for m in islice(_BARE_DOMAIN.finditer(folded), 8):
        host, label = m.groups()
        if (
            label in ICANN_TLDS
            and label not in _FILE_EXTENSIONS
            and (label not in NEW_GTLDS or any(c.isdigit() or c == "-" for c in host))
        ):
            return True
    return False


def _metadata(context: CheckContext) -> list[Finding]:
    return list(_author_findings(context.author_name or "", context.author_email or ""))


# An author's name and address are the same on each of their comments (and
# the findings are frozen): the folds and scans are done once per author.
@lru_cache(maxsize=1024)
def _author_findings(name: str, email: str) -> tuple[Finding, ...]:
    out = []
    if name:
        folded = fold(name)
        if (
            _URL.search(folded)
            or _bare_domain(folded)
            or _EMAIL.search(folded)
            or any(
                w in folded
                for w in ("http", "www.", ".com", "casino", "viagra", "loan", "crypto", "bitcoin", "seo", "escort")
            )
        ):
            out.append(Finding("promotion", "promotion.author_name", 0, 0, name, 0.6))
    if email:
        local, _, domain = fold(email).partition("@")
        if domain in _SHORTENERS or any(
            w in local or w in domain
            for w in (
                "casino",
                "viagra",
                "loan",
                "crypto",
                "bitcoin",
                "seo",
                "promo",
                "marketing",
                "escort",
                "deals",
                "discount",
            )
        ):
            out.append(Finding("promotion", "promotion.author_email", 0, 0, email, 0.5))
    return tuple(out)


def _total(signals: list[tuple[int, int, float, str]]) -> float:
    """Sum of the weights, except that links beyond the strongest add little."""
    links = sorted((w for _, _, w, rule in signals if rule == "promotion.link"), reverse=True)
    rest = sum(w for _, _, w, rule in signals if rule != "promotion.link")
    if links:
        rest += links[0] + EXTRA_LINK_WEIGHT * (len(links) - 1)
    return rest


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    signals = _signals(text)
    total = _total(signals)
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
    out.extend(_metadata(context))
    return out

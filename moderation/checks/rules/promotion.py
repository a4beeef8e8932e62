"""Commercial or personal promotion.

Evidence is collected as weighted signals and reported only when the total
reaches 1.0, so one ordinary word ("free speech", "the party won") never
flags a comment while a link, a phone number or a typical pitch does:

* links (weight 0.7; URL shorteners and messenger links 1.0), e-mail
  addresses (1.0), phone numbers (1.0, at least nine digits);
* pitch phrases: "check out my", "subscribe to my channel", "follow me",
  "work from home", "click here", "you have won", "txt/reply STOP" ... (1.0);
* pitch words that only add up: "free", "prize", "discount", "bitcoin",
  "casino", money amounts ... (0.3 each, so four are needed);
* premium-SMS short codes ("text WIN to 80086") (1.0);
* repeated text (``context.duplicate_count``) and promotional author
  metadata.

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

from ..normalize import Normalized, fold
from ..values import CheckContext, Finding
from . import finding, match_phrase, phrase_index

_TLDS = (
    "com|net|org|info|biz|io|co|me|ly|gl|gd|tk|ml|ga|cf|gq|xyz|top|online|site|"
    "club|shop|store|app|dev|ru|cn|uk|de|fr|nl|in|us|ca|au|tv|cc|ws|pw|ai|link|"
    "click|live|life|news|win|bet|vip|pro|fun|icu|buzz|ee|su|to|am|fm|be|it|es|pl"
)
# Links are found from anchors that start with a literal character (the
# regex engine can jump straight to them): "http"/"www." for full URLs and
# ".<tld>" for bare domains, whose host is then read backwards (bounded).
_SCHEME_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'\u2026]{2,300}")
_TLD_ANCHOR = re.compile(r"\.(?:" + _TLDS + r")(?![\w\-])(?:/[^\s<>\"']{0,300})?")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
_EMAIL_ANCHOR = re.compile(r"@[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63}){0,4}\.[a-z]{2,24}(?![\w\-])")
# Whole-string forms, for author metadata.
_URL = re.compile(r"(?:https?://|www\.)\S{2,300}|[a-z0-9\-]{1,63}\.(?:" + _TLDS + r")(?![\w\-])")
_SHORTENERS = frozenset(
    """
    bit.ly tinyurl.com goo.gl t.co ow.ly is.gd buff.ly rebrand.ly cutt.ly
    shorturl.at tiny.cc rb.gy t.me wa.me linktr.ee bitly.com s.id v.gd
    shorte.st adf.ly bl.ink qr.co lnkd.in
    """.split()
)
_EMAIL = re.compile(r"[a-z0-9._%+\-]{1,64}@[a-z0-9\-]{1,63}\.[a-z]{2,24}")
# Starts with \d (no look-behind) so the scan stays cheap; the boundary
# checks are done on the few matches.
_PHONE = re.compile(r"\d[\d \-().]{7,20}\d(?!\d)")
# "text WIN to 80086", "reply YES to 8007": premium SMS short codes.
_SHORTCODE = re.compile(r"\b(?:text|txt|send|reply|call|sms)\b[^.!?\n]{0,20}?\bto\s\d{4,6}\b")
_PENCE = re.compile(r"\dp(?=/|\s|$)")
_MONEY_UNITS = ("usd", "dollar", "pound", "euro", "gbp", "p/min", "ppm", "/h", "/day", "/week")
_SHORTCODE_VERBS = frozenset("text txt send reply call sms".split())
_MONEY = re.compile(r"[$£€]\s?\d{1,7}(?:[.,]\d{1,3}){0,3}|\d{1,4}p(?=/|\s|$)|\d{1,7}(?:[.,]\d{1,3}){0,3}\s?(?:usd|dollars|pounds|euros|gbp|p/min|ppm|/hr|/hour|/day|/week)(?![a-z])")

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
    visit our|visit us
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
    opportunity reply sms msg lucky
    """.split()
)
MESSENGERS = frozenset(
    "whatsapp telegram wechat kik snapchat skype viber signal instagram insta ig tiktok onlyfans discord".split()
)


_WORD_TRIGGERS = _STRONG_FIRST | PITCH_WORDS | MESSENGERS
# Digits and phone punctuation -> "9", anything else -> "x": a phone number
# needs a run of at least nine such characters, found with one substring test.
_PHONE_SHAPE = {ord(c): "9" for c in "0123456789 -()."}


def _maybe_phone(norm: str) -> bool:
    if not norm.isascii():
        return True
    return "999999999" in norm.translate(_PHONE_TABLE)


_PHONE_TABLE = {i: _PHONE_SHAPE.get(i, "x") for i in range(128)}


def _back(norm: str, end: int, chars: frozenset[str], limit: int) -> int:
    """Start of the run of ``chars`` ending at ``end`` (at most ``limit`` back)."""
    start = end
    floor = max(0, end - limit)
    while start > floor and norm[start - 1] in chars:
        start -= 1
    return start


def _links(norm: str) -> list[tuple[int, int, float, str]]:
    sig: list[tuple[int, int, float, str]] = []
    covered_until = -1
    if "http" in norm or "www." in norm:
        for m in _SCHEME_URL.finditer(norm):
            if m.start() > 0 and (norm[m.start() - 1].isalnum() or norm[m.start() - 1] in "@.-"):
                continue
            host = re.sub(r"^(?:https?://)?(?:www\.)?", "", m.group()).split("/")[0]
            if "." not in host.strip(".") or len(host) < 4:
                continue  # "http://" with the rest cut off is not a link
            short = host in _SHORTENERS
            sig.append((m.start(), m.end(), 1.0 if short else 0.7, "promotion.shortener" if short else "promotion.link"))
            covered_until = max(covered_until, m.end())
    if "." in norm:
        last = 0
        for m in _TLD_ANCHOR.finditer(norm):
            dot = m.start()
            if dot < covered_until or dot < last:
                continue
            start = _back(norm, dot, _HOST_CHARS, 253)
            while start < dot and not norm[start].isalnum():
                start += 1
            if start == dot or (start > 0 and norm[start - 1] in "@/") or norm[start:dot].endswith("."):
                continue
            last = m.end()
            host = norm[start:m.end()].split("/")[0]
            short = host in _SHORTENERS
            sig.append((start, m.end(), 1.0 if short else 0.7, "promotion.shortener" if short else "promotion.link"))
    if "@" in norm:
        for m in _EMAIL_ANCHOR.finditer(norm):
            start = _back(norm, m.start(), _LOCAL_CHARS, 64)
            while start < m.start() and not norm[start].isalnum():
                start += 1
            if start < m.start():
                sig.append((start, m.end(), 1.0, "promotion.email"))
    return sig


def _signals(text: Normalized) -> list[tuple[int, int, float, str]]:
    """(start, end, weight, rule) in ``norm`` coordinates."""
    norm = text.norm
    sig = _links(norm)
    digits = sum(map(norm.count, "0123456789"))
    if digits >= 9 and _maybe_phone(norm):
        for m in _PHONE.finditer(norm):
            if m.start() > 0 and (norm[m.start() - 1].isalnum() or norm[m.start() - 1] == "_"):
                continue
            count = sum(map(str.isdigit, m.group()))
            if 9 <= count <= 15:
                sig.append((m.start(), m.end(), 1.0, "promotion.phone"))
    if digits:
        if any(c in norm for c in "$£€") or any(u in norm for u in _MONEY_UNITS) or _PENCE.search(norm):
            for m in _MONEY.finditer(norm):
                sig.append((m.start(), m.end(), 0.3, "promotion.pitch"))
        if text.wordset & _SHORTCODE_VERBS:
            for m in _SHORTCODE.finditer(norm):
                sig.append((m.start(), m.end(), 1.0, "promotion.shortcode"))
    if text.wordset & _WORD_TRIGGERS:
        words = text.words
        seen_words: set[str] = set()
        for i in text.indices(_WORD_TRIGGERS):
            w = words[i]
            if w in _STRONG_FIRST:
                phrase = match_phrase(words, i, _STRONG_INDEX)
                if phrase:
                    s, e = text.word_span(i, i + len(phrase) - 1)
                    sig.append((s, e, 1.0, "promotion.pitch"))
            if w in MESSENGERS:
                near = set(words[max(0, i - 3):i + 4])
                if near & {"me", "us", "add", "dm", "message", "contact", "follow", "join", "inbox", "text"}:
                    s, e = text.word_span(i, i)
                    sig.append((s, e, 1.0, "promotion.handle"))
            if w in PITCH_WORDS and w not in seen_words:
                seen_words.add(w)
                s, e = text.word_span(i, i)
                sig.append((s, e, 0.3, "promotion.pitch"))
    return sig


def _metadata(context: CheckContext) -> list[Finding]:
    out = []
    name = context.author_name or ""
    if name:
        folded = fold(name)
        if _URL.search(folded) or _EMAIL.search(folded) or any(w in folded for w in ("http", "www.", ".com", "casino", "viagra", "loan", "crypto", "bitcoin", "seo", "escort")):
            out.append(Finding("promotion", "promotion.author_name", 0, 0, name, 0.6))
    email = context.author_email or ""
    if email:
        local, _, domain = fold(email).partition("@")
        if domain in _SHORTENERS or any(w in local or w in domain for w in ("casino", "viagra", "loan", "crypto", "bitcoin", "seo", "promo", "marketing", "escort", "deals", "discount")):
            out.append(Finding("promotion", "promotion.author_email", 0, 0, email, 0.5))
    return out


def run(text: Normalized, context: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    signals = _signals(text)
    total = sum(w for _, _, w, _ in signals)
    if total >= 1.0:
        boost = min(0.3, 0.1 * (total - 1.0))
        for s, e, w, rule in signals:
            out.append(finding(text, "promotion", rule, s, e, min(0.95, 0.45 * w + 0.2 + boost)))
    count = context.duplicate_count or 0
    if count >= 1 and (len(text.words) >= 6 or count >= 3) and text.original.strip():
        score = min(0.9, 0.3 + 0.15 * count)
        out.append(Finding("promotion", "promotion.duplicate", 0, len(text.original), text.original, score))
    out.extend(_metadata(context))
    return out

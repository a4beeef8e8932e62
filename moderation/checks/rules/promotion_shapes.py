"""Self-promotion shapes for ``promotion``: the formulaic asks of comment sections.

``promotion.py`` knows commercial spam (prizes, premium SMS, links, phones).
Video-site and blog comment sections add a different kind of promotion: the
commenter advertises THEMSELVES.  It is built from a few word classes rather
than from fixed sentences, so new wordings of the same ask are found:

* call to action x self-possessive x media noun -- "check out my channel",
  "go subscribe to my page", "listen to my new song", "support our band":
  a verb of the CALLS class, then within a few words "my/our", then within
  a few words a noun of the MEDIA class.  "check out the report", "visit
  the museum" and "follow the money" have no self-possessive and stay
  clean; "visit my grandmother" has no media noun;
* release announcements -- "my new song", "our latest video": a
  self-possessive, "new/latest", a media noun;
* reciprocity -- "sub for sub", "sub4sub", "subscribe back", "follow for
  follow", "like4like";
* engagement bait -- "like and share", "like and subscribe", "please
  share!", "share this with everyone", "like this comment so ...", "hit the
  subscribe button".  Share/like templates count only as an imperative (at
  the start of a clause, or after "please"), so "I share this concern" and
  "I like this comment so much" stay clean;
* giveaways -- "free" near a giveaway noun ("free robux", "free amazon gift
  card");
* money from home -- "make/earn" + an amount or "money" + "from home /
  online / on the computer"; with a rate ("$300 a day") only a small hint
  (0.2), since people discuss wages and money amounts already count;
* disguised links -- "www . site . com", "site dot com", "site(dot)com",
  "bit . ly": a link written so that link filters miss it is deliberate.
  "the dot com bubble" is not a link (the host must not be a function word).

Everything is gated by trigger words: a comment with none of them costs one
set intersection.
"""

from __future__ import annotations

from ..normalize import Normalized, register_triggers

# Signals are (start, end, weight, rule) in ``norm`` coordinates, like
# ``promotion._signals``.
Signal = tuple[int, int, float, str]

# Calls that are an ask wherever they stand ("you should check out my ...").
CALLS = frozenset("subscribe sub check visit goto head peep swing stop hit".split())
# Calls that are ordinary verbs too ("I like my music loud", "I'd like my
# website to load faster"): an ask only as an imperative.
SOFT_CALLS = frozenset(
    "go come watch listen view follow like share support join click drop pop give enjoy rate".split()
)
SELF = frozenset("my our mah me".split())
MEDIA = frozenset(
    """
    channel chanel channels page pages blog vlog vlogs profile music video
    videos vid vids song songs track tracks mixtape mixtapes album albums
    ep beat beats cover covers rap raps remix remixes stream streams
    livestream podcast podcasts website site account insta instagram ig
    twitter tiktok youtube yt soundcloud spotify facebook fb shop store
    art artwork band stuff content gallery poem poems poetry ebook app
    film clip clips playlist lyrics freestyle drawings designs
    products etsy patreon kickstarter gofundme fundraiser petition
    single singles episode episodes shorts reel reels
    """.split()
)
# "my channel" words that are media only as the head of the phrase:
# "my page" yes, "my page numbers" is rare enough; but "my new video" etc.
NEW = frozenset("new newest latest brand".split())
# Media a release announcement is about ("my new song"), narrower than
# MEDIA: "my new account", "my new game" are news about one's life.
RELEASE = frozenset(
    """
    song songs track tracks single mixtape album ep video videos vid vids
    vlog channel cover remix podcast episode music beat beats freestyle
    playlist clip reel
    """.split()
)
# Words allowed between a call and "my": particles, politeness, filler.
_CALL_FILLER = frozenset(
    """
    out to over by on at in into please pls plz guys and a look the listen
    u you ya y'all yall all go check visit some love go and n &
    subscribe sub watch view follow like share support give give
    """.split()
)
# Words allowed between "my" and the media noun.
_MEDIA_FILLER = NEW | frozenset(
    """
    youtube yt music twitch tiktok insta instagram soundcloud spotify
    facebook fb art cooking gaming comedy little small official other
    band song video rap hip hop cover personal own channel
    """.split()
)

# Reciprocity formulas (already folded words).
_RECIPROCAL_WORDS = frozenset(
    """
    sub4sub subforsub sub2sub s4s f4f l4l like4like follow4follow
    followforfollow likeforlike subscribeback subback
    """.split()
)
_RECIPROCAL_PAIRS = {
    ("subscribe", "back"),
    ("sub", "back"),
    ("subbed", "back"),
    ("subscribed", "back"),
}
_FOR_WORDS = frozenset("for 4 2".split())
# Not "like for like": a business term ("like-for-like sales").
_RECIPROCAL_HEADS = frozenset("sub subscribe follow".split())

# Engagement bait.
_ENGAGE = frozenset("like share subscribe comment repost retweet".split())
_AND = frozenset("and n &".split())
_PLEASE = frozenset("please pls plz plss plzz kindly".split())
# After "share this"/"please share": what makes it a share-button template.
_SHARE_NEXT = frozenset(
    """
    if so now everywhere around before post video comment message page link
    far wide this
    """.split()
)
# "share this with/to ...": the audience of a chain message.
_SHARE_AUDIENCE = frozenset("everyone everybody all your ur friends family others world people contacts".split())
_LIKE_IF = frozenset("if so".split())
_BAIT_VERBS = frozenset(
    """
    agree agreed love like liked watching watched came remember miss still
    also enjoyed listening subscribed support cried laughed
    """.split()
)
_BUTTONS = frozenset("subscribe sub like bell notification notifications".split())
_PRESS = frozenset("hit smash press click tap".split())

# Giveaways.
_FREE = frozenset("free freee".split())
_GIVEAWAY = frozenset(
    """
    robux vbucks giftcard giftcards followers likes subscribers subs
    gems coins skins
    """.split()
)
_CARD = frozenset("card cards code codes".split())

# Money from home.
_EARN = frozenset("earn earning earned earns make making made makes".split())
_MONEY_NOUNS = frozenset("money cash dollars bucks income".split())
_HOME_PLACES = {
    ("from", "home"),
    ("at", "home"),
    ("from", "my", "home"),
    ("from", "your", "home"),
    ("on", "the", "computer"),
    ("on", "the", "internet"),
    ("on", "my", "laptop"),
    ("from", "my", "laptop"),
    ("from", "your", "phone"),
    ("on", "my", "phone"),
    ("on", "the", "laptop"),
    ("working", "online"),
}
_ONLINE = frozenset("online".split())
_RATE_UNITS = frozenset("day week month hour hr daily weekly monthly".split())
_RATE_PREP = frozenset("a an per every each".split())

# Disguised links.
_SPACED_TLDS = frozenset("com net org biz info ly gl gd tk xyz ru io".split())
_DOT_TLDS = _SPACED_TLDS | frozenset("co uk me tv us ca".split())
_SHORT_HOSTS = {("bit", "ly"), ("goo", "gl"), ("ow", "ly"), ("is", "gd"), ("cutt", "ly"), ("rb", "gy")}
_NOT_HOSTS = frozenset(
    """
    the a an this that of in on at to and or is it its be was my your his
    her their our dot i you he she we they
    """.split()
)
_DOTCOM_ERA = frozenset(
    "bubble boom bust era crash company companies age millionaire millionaires days startup startups".split()
)
_WWW = frozenset("w www".split())

TRIGGERS = (
    CALLS
    | SOFT_CALLS
    | NEW
    | _RECIPROCAL_WORDS
    | _RECIPROCAL_HEADS
    | {"subbed", "subscribed"}
    | _ENGAGE
    | _PRESS
    | _FREE
    | _EARN
    | _WWW
    | _SPACED_TLDS
    | {"dot", "bit"}
)
_SUBSCRIBE = frozenset("sub subscribe subbed subscribed".split())
_MAX_TRIES = 32
_PLACES = frozenset("online home computer internet laptop phone".split())
register_triggers(TRIGGERS)


# (``not S.isdisjoint(gap)`` is ``any(c in gap for c in S)``, in C.)
_CLAUSE_BREAKS = frozenset('.!?;:\n"()')
_SENTENCE_BREAKS = frozenset(".!?;\n")


def _clause_start(text: Normalized, i: int) -> bool:
    if i == 0:
        return True
    prev = text.words[i - 1]
    if prev in _PLEASE or prev in ("just", "and", "now", "also", "guys", "everyone"):
        return True
    return not _CLAUSE_BREAKS.isdisjoint(text.gap(i))


def _sentence_break(text: Normalized, i: int) -> bool:
    """Sentence punctuation between word ``i-1`` and word ``i``."""
    return not _SENTENCE_BREAKS.isdisjoint(text.gap(i))


def _signal(text: Normalized, first: int, last: int, weight: float, rule: str) -> Signal:
    s, e = text.word_span(first, last)
    return (s, e, weight, rule)


def _self_media(words: list[str], j: int, n: int) -> int:
    """Index of the media noun after the self-possessive at ``j`` (or -1)."""
    for k in range(j + 1, min(n, j + 4)):
        w = words[k]
        if w in MEDIA:
            return k
        if w not in _MEDIA_FILLER:
            return -1
    return -1


def _active(text: Normalized) -> set[str]:
    """Trigger words of the shapes whose other words also occur in the text.

    Most trigger words are common ("my", "like", "go", "make"); each shape
    is switched on only when a rarer word it needs is present too, so an
    ordinary comment costs a few set intersections and no scan.
    """
    wordset = text.wordset
    # Presence tests with ``isdisjoint`` (stops at the first common word,
    # builds no set); the word classes' unions are built once, below.
    disjoint = wordset.isdisjoint
    active: set[str] = set()
    if not disjoint(MEDIA) and not disjoint(SELF):
        active |= wordset & _ANY_CALL
        active |= wordset & NEW
    active |= wordset & _RECIPROCAL_WORDS
    if "back" in wordset or ("to" in wordset and not disjoint(_ME_US)):
        active |= wordset & _SUBSCRIBE
    if not disjoint(_FOR_WORDS):
        active |= wordset & _RECIPROCAL_HEADS
    if not disjoint(_SHARE_WORDS):
        active |= wordset & _ENGAGE
    elif "like" in wordset and not disjoint(_LIKE_IF_THIS):
        active.add("like")
    if not disjoint(_PRESS) and not disjoint(_BUTTONS):
        active |= wordset & _PRESS
    if not disjoint(_FREE) and not disjoint(_GIFTS):
        active |= wordset & _FREE
    if (
        not disjoint(_EARN)
        and not disjoint(_EARN_PLACES)
        and (not disjoint(_MONEY_NOUNS) or any(c in text.norm for c in "$£€"))
    ):
        active |= wordset & _EARN
    active |= wordset & _LINK_WORDS
    if " ." in text.norm:
        active |= wordset & _SPACED_TLDS
    return active


_ANY_CALL = CALLS | SOFT_CALLS
_ME_US = frozenset({"me", "us"})
_SHARE_WORDS = frozenset({"share", "subscribe", "repost"})
_LIKE_IF_THIS = frozenset({"if", "so", "this"})
_GIFTS = _GIVEAWAY | {"gift", "v"}
_EARN_PLACES = _PLACES | _RATE_UNITS
_LINK_WORDS = _WWW | {"dot", "bit"}


def signals(text: Normalized) -> list[Signal]:
    active = _active(text)
    if not active:
        return []
    words = text.words
    n = len(words)
    out: list[Signal] = []
    done: set[str] = set()
    tried: dict[str, int] = {}
    for i in text.indices(active):
        w = words[i]
        # Hostile input repeats one trigger thousands of times ("www.www.
        # www..."); the first occurrences of each word are plenty to judge.
        count = tried.get(w, 0)
        if count >= _MAX_TRIES:
            continue
        tried[w] = count + 1
        nxt = words[i + 1] if i + 1 < n else ""
        # Call to action x self-possessive x media noun.
        if (w in CALLS or w in SOFT_CALLS) and "call" not in done:
            # Words first, punctuation (which needs word offsets) last.
            for j in range(i + 1, min(n, i + 6)):
                x = words[j]
                if x in SELF:
                    k = _self_media(words, j, n)
                    if (
                        k >= 0
                        and (w in CALLS or _clause_start(text, i))
                        and not any(_sentence_break(text, m) for m in range(i + 1, k + 1))
                    ):
                        out.append(_signal(text, i, k, 1.0, "promotion.self_promo"))
                        done.add("call")
                    break
                if x not in _CALL_FILLER:
                    break
        # Release announcement: "my new song", "our latest video".
        if w in NEW and i > 0 and words[i - 1] in SELF and "new" not in done:
            for k in range(i + 1, min(n, i + 4)):
                if words[k] in RELEASE:
                    out.append(_signal(text, i - 1, k, 1.0, "promotion.self_promo"))
                    done.add("new")
                    break
                if words[k] not in _MEDIA_FILLER:
                    break
        # Reciprocity.
        if w in _RECIPROCAL_WORDS:
            out.append(_signal(text, i, i, 1.0, "promotion.self_promo"))
        elif w in _RECIPROCAL_HEADS and nxt in _FOR_WORDS and i + 2 < n and words[i + 2] == w:
            out.append(_signal(text, i, i + 2, 1.0, "promotion.self_promo"))
        elif (w, nxt) in _RECIPROCAL_PAIRS:
            out.append(_signal(text, i, i + 1, 1.0, "promotion.self_promo"))
        elif w in ("sub", "subscribe") and nxt == "to" and i + 2 < n and words[i + 2] in ("me", "us"):
            out.append(_signal(text, i, i + 2, 1.0, "promotion.self_promo"))
        # Engagement bait.
        if w in _ENGAGE and "engage" not in done:
            hit = _engagement(text, words, i, n)
            if hit:
                out.append(_signal(text, i, hit, 1.0, "promotion.engagement"))
                done.add("engage")
        elif w in _PRESS and "engage" not in done:
            k = i + 1
            if k < n and words[k] in ("the", "that", "da", "dat", "on"):
                k += 1
            if (
                k < n
                and words[k] in _BUTTONS
                and (words[k] != "like" or (k + 1 < n and words[k + 1] in ("button", "buttons")))
            ):
                last = k + 1 if k + 1 < n and words[k + 1] in ("button", "buttons") else k
                out.append(_signal(text, i, last, 1.0, "promotion.engagement"))
                done.add("engage")
        # Giveaways.
        if w in _FREE and "free" not in done:
            for k in range(i + 1, min(n, i + 4)):
                x = words[k]
                if (
                    x in _GIVEAWAY
                    or (x == "gift" and k + 1 < n and words[k + 1] in _CARD)
                    or (x == "v" and k + 1 < n and words[k + 1] == "bucks")
                ):
                    out.append(_signal(text, i, k, 1.0, "promotion.pitch"))
                    done.add("free")
                    break
        # Money from home.
        if w in _EARN and "earn" not in done:
            sig = _earnings(text, words, i, n)
            if sig:
                out.append(sig)
                done.add("earn")
        # Disguised links.
        if w in _WWW or w == "dot" or w in _SPACED_TLDS or w == "bit":
            sig = _disguised_link(text, words, i, n)
            if sig:
                out.append(sig)
    return out


def _share_target(words: list[str], k: int, n: int) -> bool:
    x = words[k]
    if x in _SHARE_NEXT:
        return True
    if x in ("with", "to") and k + 1 < n:
        y = words[k + 1]
        return y in _SHARE_AUDIENCE or y.isdigit() or (y == "the" and k + 2 < n and words[k + 2] == "world")
    return False


def _engagement(text: Normalized, words: list[str], i: int, n: int) -> int:
    """Last word of an engagement-bait template starting at ``i`` (0 if none)."""
    w = words[i]
    nxt = words[i + 1] if i + 1 < n else ""
    # "like and share", "like, comment and subscribe", "share & subscribe".
    k = i + 1
    count = 1
    while k < n and count < 4:
        if words[k] in _AND:
            k += 1
            continue
        if words[k] in _ENGAGE and words[k] not in words[i:k]:
            count += 1
            last = k
            k += 1
            continue
        break
    if (
        count >= 2
        and ("share" in words[i:k] or "subscribe" in words[i:k])
        and (w != "comment" or _clause_start(text, i))
    ):
        return last
    if w not in ("share", "like", "repost"):
        return 0
    imperative = _clause_start(text, i)
    if not imperative:
        return 0
    please = i > 0 and words[i - 1] in _PLEASE
    if w in ("share", "repost"):
        # "please share!", "share this with everyone", "share this if ...";
        # not "so share it with us" (asking for evidence).
        if i + 1 >= n or _sentence_break(text, i + 1):
            return i if please else 0
        if nxt in ("this", "it"):
            if nxt == "this" and (i + 2 >= n or _sentence_break(text, i + 2)):
                return i + 1
            if i + 2 < n and _share_target(words, i + 2, n):
                return i + 2
            return 0
        if please and _share_target(words, i + 1, n):
            return i + 1
        return 0
    # "like this comment so ...", "like if you agree".
    # Colloquial "like if you ..." ("like if you constantly complain, why
    # ...") is filler; the bait form names what the reader agrees with.
    if nxt in _LIKE_IF and i + 3 < n and words[i + 2] in ("you", "u", "ya") and words[i + 3] in _BAIT_VERBS:
        return i + 3
    if nxt == "this" and i + 2 < n and words[i + 2] in ("comment", "post", "video"):
        if i + 3 < n and words[i + 3] in _LIKE_IF and not _sentence_break(text, i + 3):
            return i + 3
    return 0


def _earnings(text: Normalized, words: list[str], i: int, n: int) -> Signal | None:
    """ "make $300 a day from home", "earn money online"."""
    money = -1
    for k in range(i + 1, min(n, i + 4)):
        x = words[k]
        if (
            x in _MONEY_NOUNS
            or (x[:1].isdigit() and any(c in text.gap(k) for c in "$£€"))
            or (x[:1].isdigit() and k + 1 < n and words[k + 1] in ("dollars", "bucks", "usd", "k"))
        ):
            money = k
            break
    if money < 0:
        return None
    rate = False
    for k in range(money + 1, min(n, money + 8)):
        if _sentence_break(text, k):
            break
        x = words[k]
        if x in _ONLINE:
            return _signal(text, i, k, 1.0, "promotion.pitch")
        for place in _HOME_PLACES:
            if tuple(words[k : k + len(place)]) == place:
                return _signal(text, i, k + len(place) - 1, 1.0, "promotion.pitch")
        if x in _RATE_UNITS and (words[k - 1] in _RATE_PREP or x.endswith("ly")):
            rate = True
    if rate:
        return _signal(text, i, money, 0.2, "promotion.pitch")
    return None


def _disguised_link(text: Normalized, words: list[str], i: int, n: int) -> Signal | None:
    w = words[i]
    if w in _WWW:
        # "www . site . com", "www site dot com": the literal "www", then up
        # to three words and a TLD, with dots spelled out or spaced apart
        # (an unbroken "www.site.com" is found by the link scanner).
        if i + 2 >= n or words[i + 1] in _NOT_HOSTS:
            return None
        for k in range(i + 2, min(n, i + 5)):
            if words[k] in _DOT_TLDS:
                s, e = text.word_span(i, i)
                if text.norm[s:e] != "www":
                    return None
                gaps = "".join(text.gap(j) for j in range(i + 1, k + 1))
                spelled = "dot" in words[i + 1 : k]
                if spelled or ("." in gaps and " " in gaps):
                    return _signal(text, i, k, 1.0, "promotion.link")
                return None
        return None
    if w == "dot":
        # "site dot com", "site(dot)com", "site [dot] net".
        if 0 < i < n - 1 and words[i + 1] in _DOT_TLDS and words[i - 1] not in _NOT_HOSTS:
            if i + 2 < n and words[i + 2] in _DOTCOM_ERA:
                return None
            host = words[i - 1]
            if host.isascii() and host.replace("-", "").isalnum():
                # Weighs like a spaced link: "gop dot com" in a joke needs
                # another hint ("visit", a pitch word) to count.
                return _signal(text, i - 1, i + 1, 0.7, "promotion.link")
        return None
    if w == "bit":
        if i + 1 < n and words[i + 1] == "ly" and text.gap(i + 1).strip() in ("", ".", "(.)", "[.]"):
            return _signal(text, i, i + 1, 1.0, "promotion.shortener")
        return None
    # A TLD after a spaced dot: "site . com", "bit . ly".
    if i == 0 or words[i - 1] in _NOT_HOSTS:
        return None
    gap = text.gap(i)
    if gap.strip() != "." or " " not in gap:
        return None
    if (words[i - 1], w) in _SHORT_HOSTS:
        return _signal(text, i - 1, i, 1.0, "promotion.shortener")
    host = words[i - 1]
    if not any(c.isalpha() for c in host):
        return None
    # A capitalised TLD after a lower-case word is a new sentence
    # ("I agree . Net neutrality ..."), not a link.
    s, e = text.span(*text.word_span(i, i))
    if text.original[s : s + 1].isupper() and not text.original[s:e].isupper():
        return None
    # Only a host-like word: "cheapstuff . com", not "the end . It was".
    if i + 1 < n and not _sentence_break(text, i + 1) and text.gap(i + 1).strip() not in ("/", ""):
        return None
    return _signal(text, i - 1, i, 0.7, "promotion.link")

"""The paths of the thirteenth speed pass in personal_attack (issue #11)
give exactly what the code they replace gives (seeded, nothing timed).

The search's dearest body says "i hope you die <insult>" in varied
neighbourhoods; each insult was examined in full although nothing could
come of it.  In ``_run``'s loop:

* the gap after an insult is read only when the next word is one the tests
  look for (``_NEXT_READ``), the gap before the governing word only when
  that word is one they look for (``_HEAD_READ``) or holds an apostrophe;
* "near_address" is ruled out by one search when a word of self-reference
  or "not" stands before the insult with no clause break between
  (``_same_clause``), before the window is bounded;
* "insult_word" is not offered once capped;

and ``_clause`` finds the last break before the insult with one greedy
match instead of a search per break.

The twelfth pass's ``_run`` and ``_clause`` are kept below as the
references, compared on the findings (and the insult cap's flag).
"""

from __future__ import annotations

import random
import re
from bisect import bisect_right
from itertools import compress
from pathlib import Path
from typing import cast

import pytest

from benchmarks.test_person12_paths import _bodies as _bodies12
from moderation.checks import groups
from moderation.checks.normalize import Normalized
from moderation.checks.rules import MAX_PER_RULE, WordSpanFindings, match_phrase
from moderation.checks.rules import personal_attack as pa
from moderation.checks.rules.personal_attack import (
    _ADDRESS,
    _ADDRESS_OR_POSSESSIVE,
    _ADJ_INTENSIFIERS,
    _ARTICLES,
    _ATTRIBUTIVE,
    _DISMISSIVE_INDEX,
    _DISMISSIVE_SCORE,
    _EPITHET_PEOPLE,
    _FLOOD_SCORE,
    _HEADS,
    _INSULT_PHRASE_INDEX,
    _LIKE_SUBJECTS,
    _MODIFIED,
    _NAME_LIKE,
    _NOT_AN_INSULT,
    _POSSESSIVE,
    _RULES,
    _SECOND_SUBJECT,
    _TOP_SCORE,
    _VARIANT_WORDS,
    _WEAK_NOUNS,
    _WORD_TRIGGERS,
    _WORDS_OR_VARIANTS,
    ADJECTIVES,
    COPULAS,
    INTENSIFIERS,
    MAX_EXAMINED,
    MILD_ADJECTIVES,
    NOUNS,
    PROFANE,
    SECOND,
    SELF,
    STRONG_NOUNS,
    _aliases,
    _apostrophe_words,
    _Breaks,
    _candidates,
    _is_modifier,
    _is_name_word,
    _may_alias,
    _naming,
    _reaches_of,
    _rewritten,
    _subject_kind,
    _subject_kind_word,
)
from moderation.checks.values import CheckContext, Finding

_CONTEXT = CheckContext()

# -- the twelfth pass's code, the references ----------------------------

_BREAK_CHARACTER = re.compile("[.!?;\n]")


def _clause_old(breaks: _Breaks, n: int, first: int, last: int, before: int, after: int) -> tuple[int, int]:
    """The twelfth pass's ``_clause``: a search per break before ``first``."""
    starts, ends, norm = breaks._starts, breaks._ends, breaks._norm
    lo = max(0, first - before)
    if lo < first:
        end = starts[first]
        m = _BREAK_CHARACTER.search(norm, ends[lo], end)
        if m is not None:
            while m is not None:
                at = m.start()
                m = _BREAK_CHARACTER.search(norm, at + 1, end)
            lo = bisect_right(starts, at)
    if last + 1 >= n:
        return lo, last + 1
    m = _BREAK_CHARACTER.search(norm, ends[last], starts[min(n - 1, last + after)])
    return lo, (min(n, last + after + 1) if m is None else bisect_right(starts, m.start()))


def _run_old(text: Normalized, context: CheckContext) -> list[Finding]:
    """The twelfth pass's ``personal_attack._run`` (with its ``_clause``)."""
    dismissive_firsts = _DISMISSIVE_INDEX.firsts(text)
    insult_firsts = _INSULT_PHRASE_INDEX.firsts(text)
    # The rule's words and the spelling variants from one pass over the
    # distinct words (a few hundred), split over the few found.
    known = text.wordset & _WORDS_OR_VARIANTS
    hits = (known & _WORD_TRIGGERS) | dismissive_firsts | insult_firsts
    words = text.words
    variants = known & _VARIANT_WORDS
    aliases = _aliases(text, words, variants) if _may_alias(text, variants) else {}
    if not hits and not aliases:
        return []
    n = len(words)
    wordset = text.wordset
    # Where a word could govern an insult (the head the walk back stops at,
    # or "such" among the modifiers it passes): the address, exclamation and
    # predicate shapes need one within five words before the insult.
    heads = wordset & _HEADS
    if "'" in text.wordtext:
        heads = heads | frozenset(w for w in _apostrophe_words(text) if w.endswith(("'s", "'re")))
    people = wordset & _EPITHET_PEOPLE
    # (Of the hits: ``where`` below finds positions among those only, and a
    # strong noun outside them can only be read at an alias, a candidate
    # anyway.)
    strong_hits = hits & STRONG_NOUNS
    # The positions the setup below needs: those of the rule's own words
    # (trigger words, so one pass over the shared trigger positions), then
    # split per vocabulary over that short list.  Heads, addresses and
    # person nouns are common words outside the shared scan: for a few
    # insult words the windows around them are read, for many their
    # positions come from one scan (``_reaches_of``, below).
    at = text.indices(hits) if hits else []
    at_words = list(map(text.words.__getitem__, at))

    def where(vocabulary: frozenset[str]) -> list[int]:
        return list(compress(at, map(vocabulary.__contains__, at_words))) if vocabulary else []

    indices = at
    if aliases:
        words = _rewritten(words, aliases)
        indices = sorted(set(indices) | aliases.keys())
    breaks = _Breaks(text)
    spans = WordSpanFindings(text, "personal_attack")
    add = spans.add
    counts = spans._per_rule
    # The words any shape below could report: the loop skips the others (a
    # word that is only a strong insult stays a candidate while
    # "insult_word" still wants examples).  The loop only asks about
    # ``indices``, so the reach of the heads and addresses (read in the
    # text's own words: aliases only ever replace words, never create one)
    # is kept for those: ``head_reach`` holds the ``i`` with a head among
    # the five words before it, ``address_reach`` those with a word of
    # address within six words before or four after, ``near_reach`` an
    # address or possessive within four words either side.
    addresses = wordset & _ADDRESS
    addressing = wordset & _ADDRESS_OR_POSSESSIVE
    head_reach, address_reach, near_reach, before_people = _reaches_of(
        text, indices, heads, addresses, addressing, people
    )
    candidates = _candidates(aliases, where(dismissive_firsts | insult_firsts))
    # Words right before a person noun an insulting adjective makes an
    # epithet of ("stupid woman"), and those in reach of a head or an
    # address, are candidates too.
    candidates |= before_people
    candidates |= head_reach
    candidates |= address_reach
    candidates |= near_reach

    def _address_near(i: int, last: int) -> bool:
        """An address within six words before ``i`` or four after ``last``."""
        return i in address_reach if last == i else not _ADDRESS.isdisjoint(text.words[max(0, i - 6) : last + 5])

    strong_at = frozenset(where(strong_hits))
    insult_word_open = True

    findings = spans.findings
    seen, top = 0, 0.0
    budget = MAX_EXAMINED if pa.CAPS else -1
    for i in indices:
        if i not in candidates and (not insult_word_open or i not in strong_at):
            continue
        if not budget:
            # More insult candidates than any real comment has: stop reading
            # (flagged anyway, see MAX_EXAMINED).
            text.__dict__["_insult_cap_hit"] = True
            if not findings:
                add(i, aliases[i][1] if i in aliases else i, _FLOOD_SCORE, "personal_attack.insult_flood")
            break
        budget -= 1
        if len(findings) != seen:
            insult_word_open = counts.get("personal_attack.insult_word", 0) < MAX_PER_RULE
            # Enough examples and the category's best score is reached:
            # later words cannot change the verdict or the priority.
            top = max(top, max(f.score for f in findings[seen:]))
            seen = len(findings)
            if seen >= MAX_PER_RULE and top >= _TOP_SCORE:
                break
            if len(counts) == len(_RULES) and min(counts.values()) >= MAX_PER_RULE:
                break  # every rule has all the examples it reports: nothing can be added
        w = words[i]
        last = aliases[i][1] if i in aliases else i
        if w in dismissive_firsts:
            phrase = match_phrase(words, i, _DISMISSIVE_INDEX)
            if phrase:
                add(i, i + len(phrase) - 1, _DISMISSIVE_SCORE.get(phrase, 0.7), "personal_attack.dismissive")
        strong = w in STRONG_NOUNS
        is_noun = w in NOUNS
        if w in insult_firsts:
            phrase = match_phrase(words, i, _INSULT_PHRASE_INDEX)
            if phrase:
                last, strong, is_noun = i + len(phrase) - 1, True, True
        if (
            w in PROFANE
            and last == i
            and counts.get("personal_attack.profane_address", 0) < MAX_PER_RULE
            and i in near_reach  # an address or possessive within four words
            and not (w in _NAME_LIKE and _is_name_word(text, i, n))
        ):
            # Profanity addressed to someone: "you fucking ...", "your ass".
            lo, hi = _clause_old(breaks, n, i, i, 4, 4)
            near = words[lo:hi]
            if not (_ADDRESS.isdisjoint(near) and _POSSESSIVE.isdisjoint(near)) and SELF.isdisjoint(
                words[max(lo, i - 2) : i]
            ):
                add(i, i, 0.55, "personal_attack.profane_address")
        if not is_noun and w not in ADJECTIVES:
            continue
        if not (
            i in head_reach  # a head within five words before
            or (not is_noun and last + 1 < n and words[last + 1] in _EPITHET_PEOPLE and not breaks[last + 1])
            or (strong and counts.get("personal_attack.insult_word", 0) < MAX_PER_RULE)
            or (counts.get("personal_attack.near_address", 0) < MAX_PER_RULE and _address_near(i, last))
        ):
            # No shape below can report this word: it has no governing word
            # in reach (aliases never create one), is no epithet, and the
            # rules that need neither have all their examples.
            continue
        # The next word, unless a clause break comes first.
        nxt = words[last + 1] if last + 1 < n and not breaks[last + 1] else ""
        if last == i and (nxt in _NOT_AN_INSULT.get(w, ()) or (w in _ATTRIBUTIVE and nxt in _MODIFIED)):
            # "a sucker for chocolate", "trash talk", "a redneck convoy".
            continue
        if w in _NAME_LIKE and _is_name_word(text, i, n):
            # "Dick Cheney", "Michael Savage".
            continue
        mild = w in MILD_ADJECTIVES
        if mild and nxt in ("at", "with"):
            # "you're terrible at chess": a judgement of a skill.
            continue
        # Walk back over modifiers to the word that governs the insult.
        j = i - 1
        walked: list[str] = []
        while j >= 0 and i - j <= 4:
            x = words[j]
            if is_noun:
                ok = _is_modifier(x)
            else:
                ok = (
                    x in INTENSIFIERS
                    or (x.endswith("ly") and len(x) > 4)
                    or (x in _ADJ_INTENSIFIERS and (x != "that" or (j > 0 and words[j - 1] in COPULAS)))
                )
            if not ok or breaks[j + 1]:
                break
            walked.append(x)
            j -= 1
        if walked and is_noun and not (set(walked) & _ARTICLES) and any(x not in INTENSIFIERS for x in walked):
            # "is treating idiots": modifiers guessed from suffixes need an
            # article to be trusted as part of the noun phrase.
            j, walked = i - 1, []
        head = words[j] if j >= 0 and not breaks[j + 1] else ""
        negated = "not" in walked or head == "not" or head.endswith("n't")
        # "he called her an idiot": a reported insult (but "I call you an
        # idiot" is said to the reader).
        naming = _naming(words, max(0, j - 1), i)
        if naming >= 0 and not (naming + 1 < n and words[naming + 1] in SECOND):
            continue
        # "you idiot", "you stupid moron", "you're a clown", "you're pathetic".
        if head in SECOND and head != "yourself" and not negated:
            if (
                is_noun
                or head in _SECOND_SUBJECT - {"you", "u", "ya", "ye"}
                or (i + 1 < n and j == i - 1 and words[last + 1 if last + 1 < n else last] not in COPULAS)
            ):
                add(j, last, 0.5 if mild else 0.8, "personal_attack.direct")
                continue
        # "your idiotic views", "your stupidity": aimed at the reader's words.
        if head in _POSSESSIVE and not negated:
            add(j, last, 0.45, "personal_attack.direct")
            continue
        # "what an idiot", "such a loser".
        if (head in ("what", "such") or "such" in walked) and is_noun and w not in _WEAK_NOUNS:
            if not (head in SELF or (j > 0 and words[j - 1] in SELF)):
                add(max(j, 0), last, 0.6, "personal_attack.exclamation")
            continue
        # Predicate: SUBJECT COPULA [modifiers] INSULT.
        if head in COPULAS or head.endswith(("'s", "'re")):
            if head.endswith(("'s", "'re")) and head not in COPULAS:
                subject = _subject_kind_word(head.split("'")[0])
                k = j
            else:
                k = j - 1
                # "sound like", "look like": step back once more.  Without
                # a copula before it "like" is the verb ("if you like trash").
                if head == "like":
                    if k >= 0 and words[k] in COPULAS:
                        k -= 1
                    elif k >= 0 and words[k] in _LIKE_SUBJECTS:
                        continue
                while k >= 0 and words[k] in (
                    "so",
                    "really",
                    "just",
                    "all",
                    "both",
                    "always",
                    "truly",
                    "clearly",
                    "obviously",
                    "not",
                ):
                    k -= 1
                if k >= 0 and groups.names_group(words, k):
                    # "women are stupid", "Muslims are idiots": a protected
                    # group is the target -- the abuse rule's finding.
                    continue
                subject = _subject_kind(text, words, k)
            if subject in (None, "self", "thing"):
                continue
            if negated or "not" in words[max(0, j - 2) : i]:
                continue
            if subject == "other" and not is_noun:
                continue
            if is_noun and w in _WEAK_NOUNS and subject not in ("second",):
                continue
            score = {"second": 0.8, "third": 0.6, "person": 0.6, "other": 0.5}[
                cast(str, subject)
            ]  # not None: skipped above
            if mild:
                score -= 0.2
            first = max(0, k) if k >= 0 else j
            add(first, last, score, "personal_attack.predicate")
            continue
        # "Stupid woman.", "that pathetic senator": an insulting adjective
        # on a person noun, said as an exclamation or with a demonstrative.
        if (
            not is_noun
            and not mild
            and nxt in _EPITHET_PEOPLE
            and (head in ("this", "that", "these", "those", "what") or i == 0 or breaks[i])
            and not any(x in SELF for x in words[max(0, i - 2) : i])
        ):
            if groups.names_group(words, last + 1) and head not in ("this", "that", "these", "those"):
                continue  # "Stupid women." generalises about a group: abuse
            add(
                max(j, 0) if head in ("this", "that", "these", "those", "what") else i,
                last + 1,
                0.55,
                "personal_attack.epithet",
            )
            continue
        if mild or w in _WEAK_NOUNS:
            continue
        # "are you stupid?", "bludgers like you", "you must be blind and stupid".
        if counts.get("personal_attack.near_address", 0) < MAX_PER_RULE and _address_near(i, last):
            lo, hi = _clause_old(breaks, n, i, last, 6, 4)
            window = words[lo:hi]
            if not _ADDRESS.isdisjoint(window) and SELF.isdisjoint(window) and "not" not in window:
                add(i, last, 0.55, "personal_attack.near_address")
                continue
        if strong and SELF.isdisjoint(words[max(0, i - 3) : i]):
            add(i, last, 0.5, "personal_attack.insult_word")
    return spans.findings


# -- bodies ---------------------------------------------------------------

# Insults, the words that govern them, self-reference and "not", the words
# the tests after an insult look for, and fillers; joined by gaps with and
# without a clause break.
_INSULTS = (
    "bimbo idiot imbeciles moron stupid pathetic terrible rude sucker fool joke trash pig redneck "
    "dumbass shithead fuckface libtard idt stpd fucking ass dick savage piece"
).split()
_AROUND = (
    "i hope you die u ur your yer you're youre yourself he's she's john's they're is are was like "
    "sound such what this that these those not don't isn't it's i'm im me we myself us "
    "for about of at with talk farm woman man people guy liberals women a an the so really "
    "called totally of shit up Bob Smith @troll go hell"
).split()
_GAPS = (" ", " ", " ", ". ", ".", "!", "?", ";", "\n", ", ", " - ", "...", "'", "  ")


def _neighbourhoods(rnd: random.Random, size: int) -> str:
    out = []
    for _ in range(size):
        pick = rnd.random()
        if pick < 0.2:
            out.append("i hope you die " + rnd.choice(_INSULTS))
        elif pick < 0.5:
            out.append(rnd.choice(_INSULTS))
        else:
            out.append(rnd.choice(_AROUND))
        out.append(rnd.choice(_GAPS))
    return "".join(out)


def _bodies(seed: int, count: int) -> list[str]:
    """The twelfth pass's test bodies, and words around insults at every
    distance, from a few words to past the cap on examined candidates."""
    rnd = random.Random(seed)
    out = _bodies12(seed, count)
    for _ in range(count):
        out.append(_neighbourhoods(rnd, rnd.choice((3, 6, 12, 40, 150, 700, 700))))
    return out


_WORST = (Path(__file__).resolve().parent / "adversarial_worst.txt").read_text(encoding="utf-8")
_EDGES = [
    "",
    "i",
    "bimbo",
    "i bimbo",
    "you bimbo",
    "not you bimbo",
    "you. i bimbo",
    "i. you bimbo",
    "i hope you die bimbo",
    "i hope you die bimbo " * 150,  # past the cap on examined candidates
    "i hope you die bimbo. " * 30,
    "you are not bimbo",
    "me you idiot",
    "are you stupid?",
    "you stupid woman",
    "i think you're stupid",
    "we are such idiots",
    "we. such idiots",
    "such a sucker for you",
    "you sucker. for real",
    "trash talk from you",
    "trash. talk you",
    "you're terrible at chess",
    "you're terrible. at chess",
    "what an idiot",
    "what. an idiot",
    "he's. an idiot",
    "isn't. a moron you",
    _WORST,
    _WORST.replace(".", " "),
    _WORST.replace("i hope", "they hope"),
    _WORST[:1000],
]


def _verdict(run, body: str) -> tuple[str, bool]:
    text = Normalized(body)
    return repr(run(text, _CONTEXT)), bool(text.__dict__.get("_insult_cap_hit"))


# -- tests ----------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clause_is_the_twelfth_pass_clause(seed):
    rnd = random.Random(seed)
    clipped = 0
    for body in _bodies(seed, 60):
        text = Normalized(body)
        n = len(text.words)
        if not n:
            continue
        breaks = pa._Breaks(text)
        for _ in range(40):
            first = rnd.randrange(n)
            last = min(n - 1, first + rnd.choice((0, 0, 0, 1, 2, 5)))
            before, after = rnd.choice(((6, 4), (4, 4), (0, 0), (1, 1), (9, 2)))
            got = pa._clause(breaks, n, first, last, before, after)
            assert got == _clause_old(breaks, n, first, last, before, after)
            clipped += got[0] > max(0, first - before)
    assert clipped > 500  # breaks do clip the ranges before the words


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_same_clause_means_the_window_holds_the_word(seed):
    kept = cut = 0
    for body in _bodies(seed, 60):
        text = Normalized(body)
        words, n = text.words, len(text.words)
        breaks = pa._Breaks(text)
        for i in range(n):
            before = words[max(0, i - 6) : i]
            if pa._UNADDRESSED.isdisjoint(before):
                continue
            p = max(k for k in range(max(0, i - 6), i) if words[k] in pa._UNADDRESSED)
            lo, _ = _clause_old(breaks, n, i, i, 6, 4)
            assert pa._same_clause(breaks, words, i) == (lo <= p)
            kept += lo <= p
            cut += lo > p
    assert kept > 1000 and cut > 200


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_rule_findings_are_the_twelfth_pass_findings(seed, monkeypatch):
    bodies = _bodies(seed, 60)
    calls = []
    same_clause = pa._same_clause

    def counted(breaks, words, i):
        calls.append(same_clause(breaks, words, i))
        return calls[-1]

    monkeypatch.setattr(pa, "_same_clause", counted)
    new = [_verdict(pa._run, b) for b in bodies]
    assert new == [_verdict(_run_old, b) for b in bodies]
    assert sum(r != "[]" for r, _ in new) > 40  # the bodies do make findings
    assert sum(capped for _, capped in new) > 2  # and reach the cap on examined candidates
    assert sum(calls) > 300 and calls.count(False) > 100  # both ways out of the new test


@pytest.mark.parametrize("caps", [True, False])
def test_edge_cases_and_the_searchs_worst_body(caps, monkeypatch):
    monkeypatch.setattr(pa, "CAPS", caps)
    for body in _EDGES:
        new = _verdict(pa.run, body)
        with monkeypatch.context() as patch:
            patch.setattr(pa, "_run", _run_old)
            assert _verdict(pa.run, body) == new, body[:60]

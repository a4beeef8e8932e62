"""Writes ``lookalikes.py`` and ``tlds.py`` from the pinned source packages.

    python -m moderation.checks.data.generate          # rewrite both modules
    python -m moderation.checks.data.generate --check  # exit 1 if they are stale

Sources (development requirements only; nothing is fetched, the packages
ship the data):

* ``confusable-homoglyphs`` ships Unicode's confusables (UTS #39
  ``confusables.txt``) as JSON, each confusable pair in both directions.
  A letter is mapped to the Latin letters of its prototype when:

  - it is not ASCII (ASCII keeps its meaning; leetspeak digits are decoded
    per token by ``wordmatch``), it is a letter (general category L*: marks,
    symbols, box drawing and digits are left alone, so zalgo marks stay
    ignorable and Arabic-Indic or Devanagari digits stay digits), and NFKD
    does not decompose it (fullwidth, mathematical and accented letters are
    already folded by NFKD, which keeps e.g. the long s an "s");
  - its prototype, with combining marks dropped ("l" + long solidus for
    "ł"), is one or more ASCII letters.  Digit and punctuation prototypes
    are not used ("б" -> "6", "З" -> "3": folding Cyrillic into digits would
    turn words into numbers; the rules' punctuation look-alikes are listed by
    hand in ``normalize``).  Multi-letter prototypes are kept ("ꜳ" -> "aa",
    "ʣ" -> "dz"), except that "rn" is the prototype of everything that looks
    like "m" and is mapped to "m".  The data's prototype of capital "I" is
    "l": a letter that is not lower case and imitates "l" imitates "I" and is
    mapped to "i";
  - otherwise, a Latin small capital (by its Unicode name) and a letter
    whose prototype is a Latin small capital ("в" -> "ʙ") map to that letter.

  Values are lower case, applied to the character as written (before
  casefolding), so capitals that look different from their lower case
  (Greek "Η" is H, "η" is n) keep their own look.
* ``publicsuffixlist`` ships the Public Suffix List; the top-level labels of
  its ICANN section (ASCII ones: a folded comment holds no "xn--" label) are
  the top-level domains, and those of its "newGTLDs" part (generic words and
  brands: .how .now .one .love) are listed apart, because a sentence typed
  without a space after its full stop ("right.now") looks like one.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.resources
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
_SMALL_CAPITAL = re.compile(r"LATIN LETTER SMALL CAPITAL ([A-Z])")


def _ascii_letters(prototype: str) -> str | None:
    """The prototype's letters when, without combining marks, it is ASCII letters only."""
    base = "".join(c for c in prototype if not unicodedata.combining(c))
    if base and base.isascii() and base.isalpha():
        return base
    return None


def _small_capital(ch: str) -> str | None:
    m = _SMALL_CAPITAL.fullmatch(unicodedata.name(ch, ""))
    return m.group(1).lower() if m else None


def _eligible(ch: str) -> bool:
    return (
        len(ch) == 1
        and not ch.isascii()
        and unicodedata.category(ch).startswith("L")
        and unicodedata.normalize("NFKD", ch) == ch
    )


def lookalikes(pairs: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """Letter -> the lower-case Latin letter(s) it imitates (see the module docstring)."""
    out: dict[str, str] = {}
    for ch in sorted(pairs):
        if not _eligible(ch):
            continue
        latin = None
        via_capital = None
        for entry in pairs[ch]:
            other = entry["c"]
            letters = _ascii_letters(other)
            if letters is not None:
                latin = letters
                break
            if len(other) == 1 and via_capital is None:
                via_capital = _small_capital(other)
        if latin is not None:
            if latin == "rn":
                value = "m"
            else:
                value = latin.lower()
                if not ch.islower() and "l" in latin:
                    value = "".join("i" if c == "l" else c for c in value)
            out[ch] = value
        else:
            value = _small_capital(ch) or via_capital or ""
            if value:
                out[ch] = value
    # Small capitals the confusables data does not list at all.
    for code in range(0x80, 0x20000):
        ch = chr(code)
        if ch not in out and _eligible(ch):
            value = _small_capital(ch) or ""
            if value:
                out[ch] = value
    return dict(sorted(out.items()))


def icann_tlds(psl: str) -> tuple[list[str], list[str]]:
    """(every ICANN top-level label, those of the "newGTLDs" part: the 2012 round's generic words and brands)."""
    section = psl.split("===BEGIN ICANN DOMAINS===", 1)[1].split("===END ICANN DOMAINS===", 1)[0]
    labels: set[str] = set()
    new: set[str] = set()
    in_new = False
    for line in section.splitlines():
        rule = line.strip()
        if rule.startswith("// newGTLDs"):
            in_new = True
        if not rule or rule.startswith("//"):
            continue
        label = rule.split()[0].rsplit(".", 1)[-1].lstrip("!*").lower()
        if label.isascii() and label.isalpha():
            labels.add(label)
            if in_new:
                new.add(label)
    return sorted(labels), sorted(new)


def _psl_version(psl: str) -> str:
    m = re.search(r"^// VERSION: (\S+)", psl, re.M)
    return m.group(1) if m else "unknown"


def render_lookalikes() -> str:
    version = importlib.metadata.version("confusable-homoglyphs")
    raw = (importlib.resources.files("confusable_homoglyphs") / "confusables.json").read_text("utf-8")
    table = lookalikes(json.loads(raw))
    lines = [
        '"""Letters that imitate Latin letters -> the lower-case Latin letters they imitate.',
        "",
        f"Generated by ``python -m moderation.checks.data.generate`` from confusable-homoglyphs {version}",
        "(Unicode's confusables.txt, UTS #39; Unicode data licence).  Do not edit: change the",
        "generator (its docstring says which letters are mapped and why) and run it again.",
        '"""',
        "",
        "LATIN_LOOKALIKES: dict[str, str] = {",
    ]
    for ch, value in table.items():
        lines.append(
            f'    "\\u{ord(ch):04x}": "{value}",  # {unicodedata.name(ch, "?")}'
            if ord(ch) <= 0xFFFF
            else f'    "\\U{ord(ch):08x}": "{value}",  # {unicodedata.name(ch, "?")}'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _words(labels: list[str]) -> list[str]:
    body = []
    line = "   "
    for label in labels:
        if len(line) + len(label) + 1 > 100:
            body.append(line)
            line = "   "
        line += " " + label
    body.append(line)
    return body


def render_tlds() -> str:
    version = importlib.metadata.version("publicsuffixlist")
    psl = (importlib.resources.files("publicsuffixlist") / "public_suffix_list.dat").read_text("utf-8")
    labels, new = icann_tlds(psl)
    return "\n".join(
        [
            '"""Top-level domains: the ICANN section of the Public Suffix List (ASCII labels).',
            "",
            f"Generated by ``python -m moderation.checks.data.generate`` from publicsuffixlist {version}",
            f"(list version {_psl_version(psl)}; MPL-2.0).  Do not edit: run the generator again.",
            "",
            '``NEW_GTLDS`` are the labels of the list\'s "newGTLDs" part (the generic words and brands',
            "delegated since 2013: .how .now .one .love ...); the others are country codes and the",
            "older generic domains (.com .org .edu .info ...).",
            '"""',
            "",
            "ICANN_TLDS: frozenset[str] = frozenset(",
            '    """',
            *_words(labels),
            '    """.split()',
            ")",
            "NEW_GTLDS: frozenset[str] = frozenset(",
            '    """',
            *_words(new),
            '    """.split()',
            ")",
            "",
        ]
    )


def outputs() -> dict[Path, str]:
    return {HERE / "lookalikes.py": render_lookalikes(), HERE / "tlds.py": render_tlds()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed module differs")
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        if path.exists() and path.read_text("utf-8") == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text, "utf-8")
    if args.check and stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

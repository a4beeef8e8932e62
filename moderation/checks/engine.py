"""Temporary first engine: profanity only (exact list words)."""
import re
from importlib import resources

from .values import CheckContext, Finding, Report

_WORDS = frozenset(
    w.strip().lower()
    for w in resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text("utf-8").splitlines()
    if w.strip()
)
_TOKEN = re.compile(r"[^\W_]+")


def check(text: str, context: CheckContext | None = None) -> Report:
    findings = []
    lowered = text.lower()
    for m in _TOKEN.finditer(lowered):
        if m.group() in _WORDS:
            findings.append(Finding("profanity", "profanity.wordlist", m.start(), m.end(), text[m.start():m.end()], 0.8))
    return Report(tuple(findings), max((f.score for f in findings), default=0.0))

"""Value types shared by every guideline check.

They are frozen dataclasses so reports can be cached, compared in tests and
handed across threads without copying; ``TermList`` and ``CheckContext`` must
also be hashable because compiled term lists and processed article text are
cached keyed on them.  ``Mapping`` fields are therefore normalised to a
hashable, read-only form in ``__post_init__``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, cast

CATEGORIES = (
    "profanity",
    "vulgarity",
    "threat",
    "personal_attack",
    "abuse",
    "promotion",
    "off_topic",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One guideline hit.

    ``start``/``end`` index the ORIGINAL comment text and
    ``evidence == text[start:end]``.  Findings about metadata rather than the
    comment body (e.g. ``promotion.author_name``) use ``start == end == 0``
    and carry the offending metadata value as ``evidence``.
    """

    category: str
    rule: str
    start: int
    end: int
    evidence: str
    score: float

    def to_dict(self) -> dict:
        return {
            "category": self.category,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "evidence": self.evidence,
            "score": round(float(self.score), 4),
        }


# Checks make dozens of findings per comment.  The generated ``__init__`` of a
# frozen dataclass sets each field with a lookup and a call of
# ``object.__setattr__``.  ``make_finding`` instead fills a plain slotted twin
# of ``Finding`` (same slots in the same order, so the same memory layout) with
# ordinary attribute stores, the cheapest writes Python has, then turns it into
# a ``Finding`` by assigning ``__class__``: the object is then exactly what the
# constructor makes (same type and fields, so equality, hashing, repr and
# pickling are unchanged).  ``Finding`` has no ``__post_init__`` to run.
class _FindingFields:
    __slots__ = ("category", "rule", "start", "end", "evidence", "score")
    category: str
    rule: str
    start: int
    end: int
    evidence: str
    score: float


assert _FindingFields.__slots__ == tuple(f.name for f in fields(Finding))
_new = object.__new__


def make_finding(category: str, rule: str, start: int, end: int, evidence: str, score: float) -> Finding:
    """``Finding(category, rule, start, end, evidence, score)``, made faster."""
    f = _new(_FindingFields)
    f.category = category
    f.rule = rule
    f.start = start
    f.end = end
    f.evidence = evidence
    f.score = score
    f.__class__ = Finding  # type: ignore[assignment]
    return cast("Finding", f)


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]
    priority: float
    # Which learned model scored the comment ("" when none did), and its
    # calibrated probability per category, flagged or not.
    model_version: str = ""
    model_scores: Mapping[str, float] = field(default_factory=dict)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({f.category for f in self.findings}))

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    def to_dict(self) -> dict:
        out = {
            "findings": [f.to_dict() for f in self.findings],
            "priority": round(float(self.priority), 4),
            "categories": list(self.categories),
        }
        if self.model_version:
            out["model_version"] = self.model_version
            out["model_scores"] = dict(self.model_scores)
        return out


class _FrozenTerms(Mapping):
    """Read-only, hashable ``category -> tuple[str, ...]`` mapping.

    A plain dict would make ``TermList`` unhashable, which would defeat the
    compile-once cache.
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, object] | None = None):
        items: dict[str, tuple[str, ...]] = {}
        for key, terms in dict(data or {}).items():
            if isinstance(terms, str):
                terms = (terms,)
            items[str(key)] = tuple(str(t) for t in cast("Iterable[object]", terms))
        self._data = MappingProxyType(items)
        self._hash = hash(tuple(sorted(items.items())))

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"{dict(self._data)!r}"


def _frozen_terms_default() -> _FrozenTerms:
    return _FrozenTerms()


@dataclass(frozen=True)
class TermList:
    """Moderator-managed terms, ``category code -> words or short phrases``.

    ``banned`` terms yield ``terms.banned`` findings with score 1.0 (the
    Django side auto-rejects on that rule); ``suspect`` terms yield
    ``terms.suspect`` findings that only raise review priority.
    """

    banned: Mapping[str, tuple[str, ...]] = field(default_factory=_frozen_terms_default)
    suspect: Mapping[str, tuple[str, ...]] = field(default_factory=_frozen_terms_default)

    def __post_init__(self) -> None:
        if not isinstance(self.banned, _FrozenTerms):
            object.__setattr__(self, "banned", _FrozenTerms(self.banned))
        if not isinstance(self.suspect, _FrozenTerms):
            object.__setattr__(self, "suspect", _FrozenTerms(self.suspect))


@dataclass(frozen=True)
class CheckContext:
    article_title: str = ""
    article_body: str = ""
    author_name: str = ""
    author_email: str = ""
    terms: TermList = field(default_factory=TermList)
    # How many recent comments with the same normalised text already exist.
    duplicate_count: int = 0
    # The learned layer (a ``model.LinearModel``), or None for the rules alone.
    # Compared by identity: one loaded model object per version.
    model: Any = field(default=None, compare=False)

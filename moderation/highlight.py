"""Render a comment body with the checks' evidence highlighted, as escaped HTML.

Highlights come only from the stored spans: the text between and inside them
is escaped, so nothing a reader typed reaches the page as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def highlighted_body(body: str, findings: Iterable[Mapping]) -> SafeString:
    spans = sorted(_valid_spans(body, findings))
    parts: list[str] = []
    position = 0
    for start, end, categories in _merge(spans):
        parts.append(escape(body[position:start]))
        label = " ".join(sorted(categories))
        parts.append(
            format_html(
                '<mark class="evidence" data-categories="{}" title="{}">{}</mark>', label, label, body[start:end]
            )
        )
        position = end
    parts.append(escape(body[position:]))
    return mark_safe("".join(parts))


def _valid_spans(body: str, findings: Iterable[Mapping]):
    for finding in findings:
        start, end = finding.get("start"), finding.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body):
            yield start, end, str(finding.get("category", ""))


def _merge(spans):
    """Overlapping spans become one mark carrying all their categories."""
    merged: list[tuple[int, int, set[str]]] = []
    for start, end, category in spans:
        if merged and start < merged[-1][1]:
            last_start, last_end, categories = merged[-1]
            categories.add(category)
            merged[-1] = (last_start, max(last_end, end), categories)
        else:
            merged.append((start, end, {category}))
    return merged

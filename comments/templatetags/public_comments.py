"""The article page's public comments, rendered in one pass (``{% public_comment_items comments %}``).

Through the template engine each of the page's 50 comments cost a dozen variable look-ups, two
localised date formats and a URL reversal: about two thirds of the uncached article page in a
profile (BENCHMARKS.md, "Public pages at scale"). Here the dates are formatted from one conversion
to the current time zone, the report link from one reversal, and every value a reader wrote is
escaped as the template escaped it (``html.escape``, which Django's ``escape`` is). The markup is exactly what this template fragment gave (a test renders
both and compares them):

    <li class="comment" id="comment-{{ comment.pk }}">
      <div class="comment-meta"><span class="comment-author">{{ comment.author_name }}</span>
        <time datetime="{{ comment.submitted_at|date:'c' }}">{{ comment.submitted_at|date:"d-m-Y H:i" }}</time></div>
      <div class="comment-body">{{ comment.body|linebreaksbr }}</div>
      <div class="comment-actions"><a class="report-link" href="{% url 'community:comment-report' comment.pk %}"
        rel="nofollow">Report<span class="visually-hidden"> the comment by {{ comment.author_name }}</span></a></div>
    </li>
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # in Django, not in its stubs

from comments.models import Comment

register = template.Library()

_ITEM = (
    '\n        <li class="comment" id="comment-{}">\n'
    '          <div class="comment-meta"><span class="comment-author">{}</span>\n'
    '            <time datetime="{}">{}</time></div>\n'
    '          <div class="comment-body">{}</div>\n'
    '          <div class="comment-actions"><a class="report-link" href="{}" rel="nofollow">Report'
    '<span class="visually-hidden"> the comment by {}</span></a></div>\n'
    "        </li>\n      "
)
# Stands for the comment id in the one reversed report URL (digits only, as the id converter wants).
_PK_MARK = "9081726354"


@register.simple_tag
def public_comment_items(comments: Iterable[Comment]) -> SafeString:
    """The ``<li>`` of every comment, with the white space the template's ``{% for %}`` loop had around each."""
    report = reverse("community:comment-report", args=[_PK_MARK])
    before, _, after = (escape(part) for part in report.partition(_PK_MARK))
    items = []
    for comment in comments:
        when = template_localtime(comment.submitted_at)  # what the date filter converts with
        name = escape(comment.author_name)
        pk = int(comment.pk)  # digits: nothing to escape
        # linebreaksbr: newlines normalised, the text escaped, then each newline a <br>.
        body = escape(comment.body.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")
        items.append(
            _ITEM.format(
                pk,
                name,
                when.isoformat(),
                f"{when.day:02d}-{when.month:02d}-{when.year:04d} {when.hour:02d}:{when.minute:02d}",
                body,
                f"{before}{pk}{after}",
                name,
            )
        )
    # Every value a reader wrote went through escape() above; the rest is this module's markup.
    return mark_safe("".join(items))

"""The article page's comment list tag gives byte for byte what the template loop it replaced gave."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import set_script_prefix
from django.utils import timezone

from comments.models import Comment
from comments.templatetags.public_comments import public_comment_items
from comments.tests.factories import CommentFactory

# The loop as article_detail.html had it before the tag.
TEMPLATE_LOOP = Template(
    """      {% for comment in comments %}
        <li class="comment" id="comment-{{ comment.pk }}">
          <div class="comment-meta"><span class="comment-author">{{ comment.author_name }}</span>
            <time datetime="{{ comment.submitted_at|date:'c' }}">{{ comment.submitted_at|date:"d-m-Y H:i" }}</time></div>
          <div class="comment-body">{{ comment.body|linebreaksbr }}</div>
          <div class="comment-actions"><a class="report-link" href="{% url 'community:comment-report' comment.pk %}" rel="nofollow">Report<span class="visually-hidden"> the comment by {{ comment.author_name }}</span></a></div>
        </li>
      {% endfor %}
"""
)
TAG = Template("{% load public_comments %}      {% public_comment_items comments %}\n")

AWKWARD = [
    ('<script>alert("x")</script> & "Co"', "Line one\nline two\r\nline three\rend <b>bold</b> & 'quotes'"),
    ("Zoë O'Brien", "Ünïcode — ✓ 👍\n\n\ndouble gap"),
    ("Reader", "{{ not a tag }} {% nor this %} %s {0}"),
]
MOMENTS = [
    datetime(2023, 3, 26, 0, 59, 59, 123456, tzinfo=UTC),  # just before a DST change in Europe
    datetime(2023, 10, 29, 1, 0, tzinfo=UTC),  # just after one
    datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),  # a year below 1000 (zero-padded, as "Y" pads it)
]


def _comments(article=None):
    made = []
    for (name, body), when in zip(AWKWARD, MOMENTS):
        made.append(
            CommentFactory(
                author_name=name,
                body=body,
                submitted_at=when,
                status=Comment.Status.APPROVED,
                **({"article": article} if article else {}),
            )
        )
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Asia/Baghdad", "America/St_Johns"])
def test_the_tag_renders_what_the_template_loop_rendered(zone):
    comments = list(Comment.objects.filter(pk__in=[c.pk for c in _comments()]).order_by("pk"))
    with timezone.override(zone):
        expected = TEMPLATE_LOOP.render(Context({"comments": comments}))
        assert TAG.render(Context({"comments": comments})) == expected
    assert "<script>" not in expected and "&lt;script&gt;" in expected  # the reference escapes too


@pytest.mark.django_db
def test_the_report_link_carries_the_script_prefix_like_url_did():
    comments = _comments()
    set_script_prefix("/news/")
    try:
        assert TAG.render(Context({"comments": comments})) == TEMPLATE_LOOP.render(Context({"comments": comments}))
        assert f'href="/news/comments/{comments[0].pk}/report/"' in str(public_comment_items(comments))
    finally:
        set_script_prefix("/")


@pytest.mark.django_db
@override_settings(USE_TZ=False)
def test_naive_times_are_shown_as_stored_when_time_zones_are_off():
    comment = CommentFactory.build(pk=41, author_name="A", body="b", submitted_at=datetime(2024, 5, 6, 7, 8, 9))
    assert TAG.render(Context({"comments": [comment]})) == TEMPLATE_LOOP.render(Context({"comments": [comment]}))
    assert "06-05-2024 07:08" in str(public_comment_items([comment]))


def test_no_comments_render_nothing():
    assert str(public_comment_items([])) == ""

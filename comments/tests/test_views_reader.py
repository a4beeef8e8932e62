"""Issue 12's reader findings at the view level: the confirmation at the form, the status page,
only accepted submissions count toward the limits, and the page's accessibility fixes.

The same behaviour in a real browser: test_browser_article_page.py.
"""

import json
import re
import threading
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.receipts import comment_receipt
from comments.tests.factories import CommentFactory
from config.ratelimit import AtomicRateThrottle
from moderation.guidelines import GUIDELINE_TEXT, Guideline
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "author_name": "Dana Reader",
        "author_email": "dana.private@example.org",
        "body": "A distinctive remark about the riverside library plan.",
    }
    data.update(overrides)
    return data


def html(response):
    return response.content.decode()


def status_path(comment, receipt=None):
    receipt = (
        receipt if receipt is not None else comment_receipt(comment_id=comment.pk, submitted_at=comment.submitted_at)
    )
    return f"/comments/{comment.pk}/status/?receipt={receipt}"


# --- 1. The confirmation is shown at the form, where the page opens after a post ---------------------


def test_a_post_opens_the_page_at_the_confirmation_beside_the_form(client):
    article = ArticleFactory()

    response = client.post(article.get_absolute_url(), form_data(), follow=True)

    assert response.redirect_chain == [(f"{article.get_absolute_url()}#posted", 302)]
    content = html(response)
    confirmation = re.search(
        r'<div id="posted" class="confirmation" role="status" tabindex="-1">(.*?)</div>', content, re.S
    )
    assert confirmation and "Thank you: your comment was received." in confirmation.group(1)
    # At the form: after the "Post a comment" heading and right before the form.
    assert content.index('id="post-comment"') < confirmation.start() < content.index('class="comment-form"')
    assert content.count("Thank you: your comment was received.") == 1
    assert '<script src="/static/js/article.js"></script>' in content


# --- 2. The status page --------------------------------------------------------------------------------


def test_the_confirmation_links_to_the_comments_status_page(client):
    article = ArticleFactory()

    content = html(client.post(article.get_absolute_url(), form_data(), follow=True))

    comment = Comment.objects.get()
    link = re.search(r'<a href="(/comments/\d+/status/\?receipt=[0-9a-f]{64})">', content).group(1)
    assert link == status_path(comment)
    assert client.get(link).status_code == 200


def test_status_page_says_pending_then_approved(client):
    comment = CommentFactory(
        body="Who launched the drones?", author_email="hidden@example.org", ip_address="198.51.100.77"
    )

    pending = client.get(status_path(comment))
    assert pending.status_code == 200
    assert "Waiting for a moderator." in html(pending)
    assert "Who launched the drones?" in html(pending)

    comment_approve(comment=comment, moderator=ModeratorFactory())
    approved = html(client.get(status_path(comment)))
    assert "Approved." in approved
    assert f'href="{comment.article.get_absolute_url()}#comment-{comment.pk}"' in approved
    for secret in ("hidden@example.org", "hidden", "198.51.100.77", comment.user_agent):
        assert secret not in approved


def test_status_page_names_the_broken_guidelines_in_the_article_pages_words(client):
    comment = CommentFactory()
    comment_reject(comment=comment, moderator=ModeratorFactory(), reasons=["threat", "promotion"])

    content = html(client.get(status_path(comment)))
    article_page = html(client.get(comment.article.get_absolute_url()))

    assert "Not published." in content
    for code in (Guideline.THREAT, Guideline.PROMOTION):
        line = f"<li><strong>{code.label}</strong>: {GUIDELINE_TEXT[code]}</li>"
        assert line in content
        assert line in article_page  # the same wording as the guidelines under the article
    assert Guideline.ABUSE.label not in content


def test_status_page_for_a_rejection_with_only_other_gives_no_code(client):
    comment = CommentFactory()
    comment_reject(comment=comment, moderator=ModeratorFactory(), reasons=["other"], note="Internal note.")

    content = html(client.get(status_path(comment)))

    assert "Not published." in content
    assert "<li><strong>Other</strong>: It breaks our guidelines in a way not listed above.</li>" in content
    assert "Internal note." not in content  # the moderator's note is for moderators


@pytest.mark.parametrize("variant", ["wrong", "missing", "blank", "other-comment", "repeated", "unknown-id"])
def test_status_page_without_the_right_receipt_is_404(client, variant):
    comment, other = CommentFactory(), CommentFactory()
    right = comment_receipt(comment_id=comment.pk, submitted_at=comment.submitted_at)
    path = {
        "wrong": status_path(comment, "0" * 64),
        "missing": f"/comments/{comment.pk}/status/",
        "blank": status_path(comment, ""),
        "other-comment": status_path(comment, comment_receipt(comment_id=other.pk, submitted_at=other.submitted_at)),
        "repeated": f"{status_path(comment)}&receipt={right}",
        "unknown-id": status_path(comment).replace(f"/{comment.pk}/", "/999999999999999999/"),
    }[variant]

    response = client.get(path)

    assert response.status_code == 404
    assert comment.body not in html(response)


def test_status_page_is_not_cached_indexed_or_sent_as_referer(client):
    response = client.get(status_path(CommentFactory()))

    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert client.post(status_path(CommentFactory())).status_code == 405


def test_status_page_receipt_is_redacted_from_the_request_log():
    from config.logfilters import redact_urls

    line = '"GET /comments/7/status/?receipt=abcdef0123 HTTP/1.1" 200 1234'
    assert "abcdef0123" not in redact_urls(line)


# --- 3. Only accepted submissions count toward the limits ---------------------------------------------


@pytest.fixture
def limit_of_three(settings):
    settings.COMMENT_RATE_PER_IP = "3/minute"
    settings.COMMENT_RATE_PER_EMAIL = "3/minute"


@pytest.mark.usefixtures("limit_of_three")
def test_form_typos_do_not_use_up_the_limit(client):
    article = ArticleFactory()
    typos = [
        form_data(author_email=""),
        form_data(author_email="dana.private.example.org"),
        form_data(body="  "),
        form_data(author_name="Da\u202ena"),  # refused by comment_submit(): given back
    ]
    assert [client.post(article.get_absolute_url(), data).status_code for data in typos] == [400] * 4

    statuses = [client.post(article.get_absolute_url(), form_data(body=f"Point {n}.")).status_code for n in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert Comment.objects.count() == 3


@pytest.mark.usefixtures("limit_of_three")
def test_a_reader_at_the_limit_is_refused_before_validation_and_keeps_the_input(client):
    article = ArticleFactory()
    for n in range(3):
        client.post(article.get_absolute_url(), form_data(body=f"Point {n}."))

    response = client.post(article.get_absolute_url(), form_data(author_email="typo", body="Kept text."))

    assert response.status_code == 429
    assert "posting too quickly" in html(response)
    assert "Kept text.</textarea>" in html(response)


@pytest.mark.usefixtures("limit_of_three")
def test_api_errors_do_not_use_up_the_limit(client):
    article = ArticleFactory()

    def post(**data):
        return client.post(
            f"/api/articles/{article.slug}/comments/", json.dumps(form_data(**data)), content_type="application/json"
        ).status_code

    assert [post(author_email="nope"), post(body=""), post(author_name="Da\u202ena")] == [400, 400, 400]
    assert [post(body=f"Point {n}.") for n in range(4)] == [202, 202, 202, 429]


def test_a_submission_closed_meanwhile_is_given_back(client, settings, monkeypatch):
    """comment_submit() refusing (the article closed after the first look) takes no count."""
    settings.COMMENT_RATE_PER_IP = "1/minute"
    article = ArticleFactory()
    from comments import views
    from comments.services import CommentsClosed

    def closed(**kwargs):
        raise CommentsClosed("Comments are closed for this article.")

    monkeypatch.setattr(views, "comment_submit", closed)
    assert client.post(article.get_absolute_url(), form_data()).status_code == 403
    monkeypatch.undo()

    assert client.post(article.get_absolute_url(), form_data()).status_code == 302


@pytest.fixture
def own_cache_keys(settings):
    """Counters under a key prefix of this test's own (another test run may share the Redis db)."""
    default = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": f"t12-{uuid.uuid4().hex[:12]}"}}


@pytest.mark.usefixtures("own_cache_keys")
def test_accepted_submissions_are_counted_atomically(settings, monkeypatch):
    """40 valid submissions at once, counted by submission_take(): exactly the limit gets through."""
    from comments.throttles import submission_take

    settings.COMMENT_RATE_PER_IP = "5/minute"
    settings.COMMENT_RATE_PER_EMAIL = "5/minute"
    monkeypatch.setattr(AtomicRateThrottle, "timer", staticmethod(lambda: 1_700_000_000.0))

    def request(n):
        made = RequestFactory().post(
            "/articles/x/", form_data(author_email=f"r{n % 3}@example.org"), REMOTE_ADDR="192.0.2.212"
        )
        made.user = AnonymousUser()
        return made

    requests = [request(n) for n in range(40)]
    barrier = threading.Barrier(len(requests))
    taken, errors = [], []

    def take(made):
        try:
            barrier.wait()
            counted, wait = submission_take(made)
            taken.append(wait is None)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(made,)) for made in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert taken.count(True) == 5
    assert submission_take(request(0))[1] is not None  # the limit stays full


@pytest.mark.usefixtures("own_cache_keys")
def test_give_back_frees_the_count():
    from comments.throttles import submission_give_back, submission_take

    made = RequestFactory().post("/articles/x/", form_data(), REMOTE_ADDR="198.51.100.8")
    made.user = AnonymousUser()
    from django.conf import settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "COMMENT_RATE_PER_IP", "1/minute", raising=False)
        counted, wait = submission_take(made)
        assert wait is None and len(counted) == 2
        assert submission_take(made)[1] is not None
        submission_give_back(counted)
        assert submission_take(made)[1] is None


# --- 4./5. The page's markup: text size group, labelled controls, skip link, favicon -------------------


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.references, self.aria_label_tags = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("aria-describedby", "aria-labelledby", "aria-controls"):
            self.references += (attrs.get(name) or "").split()
        if "aria-label" in attrs and tag in ("span", "div") and "role" not in attrs:
            self.aria_label_tags.append(tag)


@pytest.mark.parametrize("data", [None, form_data(author_email="bad", author_name="")], ids=["get", "errors"])
def test_every_aria_reference_exists_and_no_aria_label_on_a_plain_element(client, data):
    article = ArticleFactory()
    response = client.post(article.get_absolute_url(), data) if data else client.get(article.get_absolute_url())
    parser = _Ids()
    parser.feed(html(response))

    assert "id_author_email_helptext" in parser.references
    assert set(parser.references) <= parser.ids, set(parser.references) - parser.ids
    assert parser.aria_label_tags == []


def test_text_size_control_is_a_labelled_group(client):
    content = html(client.get(ArticleFactory().get_absolute_url()))

    assert '<div class="text-size" role="group" aria-label="Text size">' in content
    assert re.search(r'data-text-size-step="1"[^>]*>A\+<span class="visually-hidden"> \(larger text\)</span>', content)


@pytest.mark.parametrize("path", ["/", "article", "status"])
def test_every_reader_page_has_a_skip_link_and_a_favicon(client, path):
    comment = CommentFactory()
    url = {"/": "/", "article": comment.article.get_absolute_url(), "status": status_path(comment)}[path]

    content = html(client.get(url))

    assert '<a class="skip-link" href="#main">Skip to main content</a>' in content
    assert '<main id="main" class="page" tabindex="-1">' in content
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in content
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in content


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    icon = finders.find("favicon.ico")
    assert icon and Path(icon).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert finders.find("favicon.svg")

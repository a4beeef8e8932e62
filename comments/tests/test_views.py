import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.guidelines import Guideline
from moderation.services import comment_approve, comment_reject
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

SUCCESS_MESSAGE = "It will appear here once a moderator has approved it."


def form_data(**overrides):
    data = {
        "author_name": "Dana Reader",
        "author_email": "dana.private@example.org",
        "body": "A distinctive remark about the riverside library plan.",
    }
    data.update(overrides)
    return data


def page(client, article, **params):
    return client.get(article.get_absolute_url(), params)


def html(response):
    return response.content.decode()


# --- the article page ------------------------------------------------------------


def test_article_page_shows_headline_date_and_source(client):
    article = ArticleFactory(
        title="Council approves riverside park",
        source="Rudaw",
        published_at=timezone.now().replace(year=2023, month=10, day=29, hour=9),
    )

    response = page(client, article)

    assert response.status_code == 200
    content = html(response)
    assert "<h1>Council approves riverside park</h1>" in content
    assert "29-10-2023" in content
    assert '<span class="source">Rudaw</span>' in content


def test_article_page_shows_text_size_links(client):
    content = html(page(client, ArticleFactory()))

    assert re.search(r'<a href="\?text=3"[^>]*>A\+<', content)
    assert re.search(r'<a href="\?text=1"[^>]*>A-<', content)
    assert '<html lang="en" class="text-size-2">' in content


def test_article_page_shows_every_guideline_category(client):
    content = html(page(client, ArticleFactory()))

    guidelines = content.split('class="guidelines"', 1)[1].split("</div>", 1)[0]
    for code in Guideline:
        if code != Guideline.OTHER:
            assert f"<strong>{code.label}</strong>" in guidelines


def test_article_page_shows_comment_form_fields(client):
    content = html(page(client, ArticleFactory()))

    for field, label in [("author_name", "Name"), ("author_email", "Email"), ("body", "Comment")]:
        assert re.search(rf'<label for="id_{field}">{label}\b', content)
        assert f'name="{field}"' in content
    assert "csrfmiddlewaretoken" in content


def test_unknown_slug_is_404(client):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_unpublished_article_is_404(client):
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=1))

    assert page(client, article).status_code == 404


# --- posting a comment -----------------------------------------------------------


def test_valid_post_redirects_to_article_and_stores_pending_comment(client):
    article = ArticleFactory()

    response = client.post(
        article.get_absolute_url(),
        form_data(),
        REMOTE_ADDR="198.51.100.23",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#posted"
    comment = Comment.objects.get()
    assert comment.article == article
    assert comment.status == Comment.Status.PENDING
    assert comment.ip_address == "198.51.100.23"
    assert comment.user_agent == "TestBrowser/1.0"
    assert comment.body == form_data()["body"]


def test_post_by_logged_in_reader_records_the_user(client):
    user = UserFactory()
    client.force_login(user)

    client.post(ArticleFactory().get_absolute_url(), form_data())

    assert Comment.objects.get().user == user


def test_post_by_anonymous_reader_records_no_user(client):
    client.post(ArticleFactory().get_absolute_url(), form_data())

    assert Comment.objects.get().user is None


def test_after_post_the_page_says_it_awaits_approval_and_hides_the_comment(client):
    article = ArticleFactory()

    response = client.post(article.get_absolute_url(), form_data(), follow=True)

    assert response.redirect_chain == [(f"{article.get_absolute_url()}#posted", 302)]
    content = html(response)
    assert SUCCESS_MESSAGE in content
    assert form_data()["body"] not in content
    # The message is shown once only.
    assert SUCCESS_MESSAGE not in html(page(client, article))


def test_comment_appears_after_moderator_approves_it(client):
    article = ArticleFactory()
    client.post(article.get_absolute_url(), form_data())
    comment = Comment.objects.get()
    assert form_data()["body"] not in html(page(client, article))

    comment_approve(comment=comment, moderator=ModeratorFactory())

    content = html(page(client, article))
    assert form_data()["body"] in content
    assert "Dana Reader" in content
    assert f'id="comment-{comment.pk}"' in content


def test_rejected_comment_never_appears(client):
    article = ArticleFactory()
    client.post(article.get_absolute_url(), form_data(body="this is bullshit and so are you"))
    comment = Comment.objects.get()

    comment_reject(comment=comment, moderator=ModeratorFactory(), reasons=["profanity"])

    content = html(page(client, article))
    assert "so are you" not in content
    assert "No comments yet." in content


def test_only_approved_comments_are_listed(client):
    article = ArticleFactory()
    CommentFactory(article=article, body="approved words", status=Comment.Status.APPROVED)
    CommentFactory(article=article, body="pending words")
    CommentFactory(article=article, body="rejected words", status=Comment.Status.REJECTED)
    CommentFactory(body="other article words", status=Comment.Status.APPROVED)

    content = html(page(client, article))

    assert "approved words" in content
    assert "pending words" not in content
    assert "rejected words" not in content
    assert "other article words" not in content


def test_commenter_email_and_ip_never_appear_in_page(client):
    article = ArticleFactory()
    client.post(
        article.get_absolute_url(),
        form_data(author_email="hidden.reader@example.org"),
        REMOTE_ADDR="198.51.100.77",
    )
    comment_approve(comment=Comment.objects.get(), moderator=ModeratorFactory())

    content = html(page(client, article))

    assert form_data()["body"] in content
    assert "hidden.reader" not in content
    assert "198.51.100.77" not in content


def test_comment_html_is_escaped(client):
    article = ArticleFactory()
    CommentFactory(
        article=article,
        author_name="<b>Mallory</b>",
        body='<script>alert("x")</script> <img src=x onerror=alert(1)>',
        status=Comment.Status.APPROVED,
    )

    content = html(page(client, article))

    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "<b>Mallory</b>" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in content


def test_comment_line_breaks_are_kept(client):
    article = ArticleFactory()
    CommentFactory(article=article, body="First line\nSecond line", status=Comment.Status.APPROVED)

    assert "First line<br>Second line" in html(page(client, article))


def test_approved_comments_are_paginated(client):
    article = ArticleFactory()
    now = timezone.now()
    for n in range(51):
        CommentFactory(
            article=article,
            body=f"Numbered remark {n:03d}.",
            submitted_at=now - timedelta(minutes=n),
            status=Comment.Status.APPROVED,
        )

    first, second = html(page(client, article)), html(page(client, article, page=2))

    assert "Numbered remark 000." in first and "Numbered remark 049." in first
    assert "Numbered remark 050." not in first
    assert "Numbered remark 050." in second
    assert page(client, article, page="junk").status_code == 200


def test_invalid_post_shows_errors_and_keeps_input(client):
    article = ArticleFactory()

    response = client.post(
        article.get_absolute_url(),
        form_data(author_email="not-an-email", body="My carefully written thoughts."),
    )

    assert response.status_code == 400
    content = html(response)
    assert "Enter a valid email address." in content
    assert 'value="Dana Reader"' in content
    assert 'value="not-an-email"' in content
    assert "My carefully written thoughts.</textarea>" in content
    assert SUCCESS_MESSAGE not in content
    assert Comment.objects.count() == 0


def test_whitespace_only_comment_is_refused_on_the_form(client):
    article = ArticleFactory()

    response = client.post(article.get_absolute_url(), form_data(body="   \n  "))

    assert response.status_code == 400
    assert 'class="field has-error"' in html(response)
    assert Comment.objects.count() == 0


def test_control_character_error_from_service_is_shown_on_the_field(client):
    article = ArticleFactory()

    response = client.post(article.get_absolute_url(), form_data(body="Bell\x07 here"))

    assert response.status_code == 400
    assert "Remove the control characters from this field." in html(response)
    assert Comment.objects.count() == 0


def test_nul_character_is_a_form_error_not_a_server_error(client):
    article = ArticleFactory()

    response = client.post(article.get_absolute_url(), form_data(author_name="Da\x00na"))

    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_too_long_comment_is_refused_on_the_form(client):
    article = ArticleFactory()

    response = client.post(article.get_absolute_url(), form_data(body="x" * 5001))

    assert response.status_code == 400
    assert "5000" in html(response)
    assert Comment.objects.count() == 0


def test_post_without_csrf_token_is_forbidden():
    article = ArticleFactory()
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post(article.get_absolute_url(), form_data())

    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_post_with_csrf_token_from_the_page_is_accepted():
    article = ArticleFactory()
    csrf_client = Client(enforce_csrf_checks=True)
    content = html(csrf_client.get(article.get_absolute_url()))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)

    response = csrf_client.post(article.get_absolute_url(), form_data(csrfmiddlewaretoken=token))

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_other_methods_are_not_allowed(client):
    assert client.put(ArticleFactory().get_absolute_url()).status_code == 405


# --- closed articles ---------------------------------------------------------------


def test_closed_article_says_comments_are_closed_and_has_no_form(client):
    article = ArticleFactory(comments_open=False)
    CommentFactory(article=article, body="An older approved remark.", status=Comment.Status.APPROVED)

    content = html(page(client, article))

    assert "Comments are closed" in content
    assert 'name="body"' not in content
    assert "An older approved remark." in content


def test_article_past_close_date_says_comments_are_closed(client):
    article = ArticleFactory(comments_close_at=timezone.now() - timedelta(hours=1))

    content = html(page(client, article))

    assert "Comments are closed" in content
    assert 'name="body"' not in content


@pytest.mark.parametrize(
    "closed",
    [{"comments_open": False}, {"comments_close_at": "past"}],
    ids=["switched-off", "close-date-passed"],
)
def test_post_to_closed_article_is_refused_and_nothing_stored(client, closed):
    if closed.get("comments_close_at") == "past":
        closed = {"comments_close_at": timezone.now() - timedelta(minutes=5)}
    article = ArticleFactory(**closed)

    response = client.post(article.get_absolute_url(), form_data())

    assert response.status_code == 403
    assert "Comments are closed" in html(response)
    assert Comment.objects.count() == 0


def test_invalid_post_to_closed_article_is_refused_as_closed(client):
    article = ArticleFactory(comments_open=False)

    response = client.post(article.get_absolute_url(), form_data(author_email="nope"))

    assert response.status_code == 403
    assert "Comments are closed" in html(response)
    assert Comment.objects.count() == 0


# --- text size -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "size", "larger", "smaller"),
    [("0", 0, 1, 0), ("1", 1, 2, 0), ("3", 3, 4, 2), ("4", 4, 4, 3)],
)
def test_text_size_links_change_the_class(client, value, size, larger, smaller):
    content = html(page(client, ArticleFactory(), text=value))

    assert f'<html lang="en" class="text-size-{size}">' in content
    assert re.search(rf'<a href="\?text={larger}"[^>]*>A\+<', content)
    assert re.search(rf'<a href="\?text={smaller}"[^>]*>A-<', content)


@pytest.mark.parametrize(
    ("value", "size"),
    [("", 2), ("big", 2), ("1.5", 2), ("-7", 0), ("99", 4), ("<x>", 2)],
    ids=["empty", "word", "float", "negative", "too-big", "html"],
)
def test_bad_text_size_values_do_not_break_the_page(client, value, size):
    response = page(client, ArticleFactory(), text=value)

    assert response.status_code == 200
    assert f'<html lang="en" class="text-size-{size}">' in html(response)


def test_text_size_with_thousands_of_digits_does_not_break_the_page(client):
    response = page(client, ArticleFactory(), text="9" * 5000)

    assert response.status_code == 200
    assert re.search(r'<html lang="en" class="text-size-[0-4]">', html(response))


# --- the article list ------------------------------------------------------------------


def test_article_list_links_to_published_articles(client):
    article = ArticleFactory(title="Budget passes after long night")
    future = ArticleFactory(title="Tomorrow's embargoed story", published_at=timezone.now() + timedelta(days=1))

    response = client.get(reverse("comments:article-list"))

    assert response.status_code == 200
    content = html(response)
    assert f'href="{article.get_absolute_url()}">Budget passes after long night</a>' in content
    assert future.title not in content


def _list_row(content, article):
    start = content.index(f'href="{article.get_absolute_url()}"')
    return content[start : content.index("</li>", start)]


def test_article_list_counts_only_approved_comments(client):
    busy = ArticleFactory()
    single = ArticleFactory()
    quiet = ArticleFactory()
    CommentFactory.create_batch(2, article=busy, status=Comment.Status.APPROVED)
    CommentFactory.create_batch(3, article=busy, status=Comment.Status.PENDING)
    CommentFactory(article=busy, status=Comment.Status.REJECTED)
    CommentFactory(article=single, status=Comment.Status.APPROVED)
    CommentFactory(article=quiet, status=Comment.Status.PENDING)

    content = html(client.get(reverse("comments:article-list")))

    assert "· 2 comments" in _list_row(content, busy)
    assert "· 1 comment\n" in _list_row(content, single)
    assert "· 0 comments" in _list_row(content, quiet)


def test_article_list_is_newest_first(client):
    now = timezone.now()
    # Created oldest first, so table order and the wanted order differ.
    for n in (3, 1, 2):
        ArticleFactory(title=f"Story published {n} days ago", published_at=now - timedelta(days=n))

    content = html(client.get(reverse("comments:article-list")))

    positions = [content.index(f"Story published {n} days ago") for n in (1, 2, 3)]
    assert positions == sorted(positions)


def test_article_list_is_paginated_by_twenty(client):
    now = timezone.now()
    for n in range(21):
        ArticleFactory(title=f"Story number {n:02d}", published_at=now - timedelta(hours=n + 1))

    first = html(client.get(reverse("comments:article-list")))
    second = html(client.get(reverse("comments:article-list"), {"page": 2}))

    assert len(re.findall(r'class="article-link"', first)) == 20
    assert len(re.findall(r'class="article-link"', second)) == 1
    assert "Page 1 of 2" in first


def test_article_list_with_bad_page_value_does_not_break(client):
    ArticleFactory()

    assert client.get(reverse("comments:article-list"), {"page": "x"}).status_code == 200

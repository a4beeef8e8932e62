"""Trust on a comment's admin page (state, suggestion, Mark trusted / Remove trust) and the "Trust changes" log."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from comments.tests.factories import CommentFactory
from community.models import TrustChange
from community.trust import trust_grant
from moderation.services import comment_approve
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGE_TRUST = reverse("admin:community_trustchange_change_trust")
LOG = reverse("admin:community_trustchange_changelist")


@pytest.fixture
def moderator(client):
    user = ModeratorFactory(username="mia")
    client.force_login(user)
    return user


def pages(comment):
    return [
        reverse("admin:moderation_reviewqueueitem_change", args=[comment.pk]),
        reverse("admin:comments_comment_change", args=[comment.pk]),
    ]


def post_trust(client, comment, trusted, note="", next_url=None, **extra):
    data = {"trust_comment": comment.pk, "trust_trusted": "true" if trusted else "false", "trust_note": note, **extra}
    if next_url is not None:
        data["trust_next"] = next_url
    return client.post(CHANGE_TRUST, data)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_panel_says_not_trusted_and_offers_mark_trusted(client, moderator):
    comment = CommentFactory(author_email="reg@example.org")

    for url in pages(comment):
        html = client.get(url).content.decode()

        assert "Not trusted." in html
        assert f'formaction="{CHANGE_TRUST}"' in html and 'value="true"' in html and ">Mark trusted</button>" in html
        assert '<label for="trust-note">' in html and 'id="trust-note" name="trust_note"' in html
        assert f'name="trust_comment" value="{comment.pk}"' in html
        assert "Suggested:" not in html


def test_the_panel_says_trusted_since_by_whom_and_offers_remove_trust(client, moderator):
    comment = CommentFactory(author_email="Reg@example.org")
    change = trust_grant(email="reg@example.org", actor=moderator, note="a <b>regular</b>")

    html = client.get(pages(comment)[0]).content.decode()

    assert f"Trusted since {change.changed_at:%Y-%m-%d %H:%M} by mia" in html
    assert "a &lt;b&gt;regular&lt;/b&gt;" in html and "<b>regular</b>" not in html
    assert 'value="false"' in html and ">Remove trust</button>" in html
    assert ">Mark trusted</button>" not in html


def test_the_panel_shows_the_suggestion(client, moderator, settings):
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 2
    for _ in range(2):
        comment_approve(comment=CommentFactory(author_email="good@example.org"), moderator=moderator)
    comment = CommentFactory(author_email="good@example.org")

    html = client.get(pages(comment)[1]).content.decode()

    assert "<strong>Suggested:</strong> 2 approved, none rejected." in html


def test_the_panel_sits_inside_the_pages_form_without_a_form_of_its_own(client, moderator):
    """A nested <form> is dropped by browsers: the buttons must carry formaction instead."""
    html = client.get(pages(CommentFactory())[0]).content.decode()
    panel = html.split('id="commenter-trust"')[1].split("</div>")[0]

    assert "<form" not in panel
    before, after = html.split('id="commenter-trust"')
    assert before.rfind("<form") > before.rfind("</form>") and "</form>" in after  # inside the page's form


def test_mark_trusted_appends_a_change_and_goes_back_with_a_message(client, moderator):
    comment = CommentFactory(author_email="Reg@Example.org")
    back = pages(comment)[0] + "?_changelist_filters=flag%3Dabuse"

    response = post_trust(client, comment, True, note=" long-time reader ", next_url=back)

    assert response.status_code == 302 and response["Location"] == back
    change = TrustChange.objects.get()
    assert (change.email, change.trusted, change.note, change.changed_by) == (
        "reg@example.org",
        True,
        "long-time reader",
        moderator,
    )
    assert messages_of(response) == [
        "reg@example.org is now trusted: their comments are still moderated, lower in the queue."
    ]


def test_remove_trust_appends_a_change(client, moderator):
    comment = CommentFactory(author_email="reg@example.org")
    trust_grant(email="reg@example.org", actor=moderator)

    response = post_trust(client, comment, False, note="rude lately")

    assert response.status_code == 302
    assert list(TrustChange.objects.order_by("id").values_list("trusted", flat=True)) == [True, False]
    assert messages_of(response) == ["reg@example.org is no longer trusted."]


def test_a_change_that_changes_nothing_is_a_message_not_an_error_page(client, moderator):
    comment = CommentFactory(author_email="reg@example.org")
    trust_grant(email="reg@example.org", actor=ModeratorFactory(username="ola"))

    response = post_trust(client, comment, True)

    assert response.status_code == 302
    assert TrustChange.objects.count() == 1
    [message] = messages_of(response)
    assert "reg@example.org is already trusted" in message and "by ola" in message and "Nothing was changed." in message


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"trust_comment": "abc", "trust_trusted": "true"},
        {"trust_comment": "1", "trust_trusted": "maybe"},
        {"trust_comment": str(2**70), "trust_trusted": "true"},
        {"trust_comment": "1", "trust_trusted": "true", "trust_note": "n" * 2001},
    ],
)
def test_bad_input_is_a_message_and_writes_nothing(client, moderator, data):
    response = client.post(CHANGE_TRUST, data)

    assert response.status_code == 302
    assert messages_of(response) and not TrustChange.objects.exists()


def test_a_comment_that_does_not_exist_is_404(client, moderator):
    response = client.post(CHANGE_TRUST, {"trust_comment": "999999", "trust_trusted": "true"})

    assert response.status_code == 404


def test_an_address_the_validator_refuses_is_a_message(client, moderator):
    comment = CommentFactory(author_email="not an address")  # stored before the submit path checked addresses

    response = post_trust(client, comment, True)

    assert response.status_code == 302
    assert messages_of(response) == ["Enter a valid email address."]


def test_an_offsite_next_is_ignored(client, moderator):
    comment = CommentFactory()

    response = post_trust(client, comment, True, next_url="https://evil.example/")

    assert response["Location"] == reverse("admin:comments_comment_change", args=[comment.pk])


def test_get_is_not_allowed(client, moderator):
    assert client.get(CHANGE_TRUST).status_code == 405


def test_non_moderators_can_neither_change_trust_nor_see_the_log(client):
    comment = CommentFactory()
    client.force_login(UserFactory(is_staff=True))

    assert post_trust(client, comment, True).status_code == 403
    assert client.get(LOG).status_code == 403
    assert not TrustChange.objects.exists()
    client.logout()
    assert post_trust(client, comment, True).status_code == 302  # to the admin login
    assert not TrustChange.objects.exists()


def test_the_log_is_read_only_and_lists_changes(client, moderator):
    change = trust_grant(email="reg@example.org", actor=moderator, note="regular")

    html = client.get(LOG).content.decode()
    assert "reg@example.org" in html and "regular" in html
    assert client.get(LOG, {"trusted__exact": "1"}).status_code == 200
    assert client.get(LOG, {"q": "reg\x00"}).status_code in (200, 302)  # never a server error
    assert client.get(reverse("admin:community_trustchange_change", args=[change.pk])).status_code == 200
    assert client.get(reverse("admin:community_trustchange_add")).status_code == 403
    assert client.post(reverse("admin:community_trustchange_delete", args=[change.pk])).status_code == 403
    assert TrustChange.objects.count() == 1


# --- In a real browser: the buttons inside the comment page's form post to the trust view ----------------


@pytest.fixture
def as_moderator_in_browser(open_page, client, live_server):
    from urllib.parse import urlsplit

    from django.conf import settings

    client.force_login(ModeratorFactory(username="alice"))
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": urlsplit(live_server.url).hostname,
        "path": "/",
        "expires": -1,
        "httpOnly": True,
        "secure": False,
        "sameSite": "Lax",
    }
    return lambda path: open_page(path, storage_state={"cookies": [cookie], "origins": []})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_a_moderator_marks_trusted_and_removes_trust(as_moderator_in_browser):
    from config.tests.browser import axe_violations

    comment = CommentFactory(author_email="reg@example.org")
    path = reverse("admin:moderation_reviewqueueitem_change", args=[comment.pk])

    page = as_moderator_in_browser(path)
    assert axe_violations(page) == []
    page.get_by_label("Note about trusting this commenter (optional)").fill("long-time reader")
    page.get_by_role("button", name="Mark trusted").click()
    page.get_by_text("reg@example.org is now trusted").wait_for()  # back on the same address: wait for the message

    change = TrustChange.objects.get()
    assert (change.email, change.trusted, change.note, change.changed_by.username) == (
        "reg@example.org",
        True,
        "long-time reader",
        "alice",
    )
    assert page.url.endswith(path)
    assert page.locator("#commenter-trust .trust-trusted").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Remove trust").click()
    page.get_by_text("reg@example.org is no longer trusted").wait_for()
    assert list(TrustChange.objects.order_by("id").values_list("trusted", flat=True)) == [True, False]
    assert page.locator("#commenter-trust .trust-not-trusted").is_visible()

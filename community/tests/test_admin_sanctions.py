"""The Bans admin (list, add, read, lift; never edit or delete) and "Ban this commenter" on a comment's page."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import Sanction, SanctionLift
from community.sanctions import sanction_create, sanction_lift
from community.tests.factories import SanctionFactory
from moderation.models import ModerationDecision
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

BANS = reverse("admin:community_sanction_changelist")
ADD = reverse("admin:community_sanction_add")


@pytest.fixture
def moderator(client):
    user = ModeratorFactory(username="mod")
    client.force_login(user)
    return user


def ban(moderator, kind="email", value="troll@example.org", **kwargs):
    return sanction_create(actor=moderator, kind=kind, value=value, reasons=kwargs.pop("reasons", ["abuse"]), **kwargs)


def text(response) -> str:
    return response.content.decode()


def change_url(sanction):
    return reverse("admin:community_sanction_change", args=[sanction.pk])


def ban_comment_url(comment):
    return reverse("admin:community_sanction_ban_comment", args=[comment.pk])


# --- The list ------------------------------------------------------------------------------------------


def test_the_list_shows_each_ban_with_its_state(client, moderator):
    active = ban(moderator, reasons=["abuse", "threat"], expires_at=timezone.now() + timedelta(days=3))
    lifted = ban(moderator, kind="ip", value="192.0.2.0/24")
    sanction_lift(sanction=lifted, actor=moderator)
    SanctionFactory(value="old@example.org", expires_at=timezone.now() - timedelta(days=1))

    html = text(client.get(BANS))

    assert "troll@example.org" in html and "192.0.2.0/24" in html and "old@example.org" in html
    assert "Abuse, Threats" in html
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    states = {
        value: state
        for value in ("troll@example.org", "192.0.2.0/24", "old@example.org")
        for row in rows
        if value in row
        for state in ("Active", "Lifted", "Expired")
        if f'field-state_shown">{state}' in row
    }
    assert states == {"troll@example.org": "Active", "192.0.2.0/24": "Lifted", "old@example.org": "Expired"}
    assert change_url(active) in html
    assert ADD in html  # the add button


def test_the_list_filters_by_kind_and_state_and_searches_values(client, moderator):
    ban(moderator)
    lifted = ban(moderator, kind="domain", value="spam.example")
    sanction_lift(sanction=lifted, actor=moderator)

    by_kind = text(client.get(BANS, {"kind__exact": "domain"}))
    by_state = text(client.get(BANS, {"state": "active"}))
    lifted_only = text(client.get(BANS, {"state": "lifted"}))
    searched = text(client.get(BANS, {"q": "SPAM"}))

    assert "spam.example" in by_kind and "troll@example.org" not in by_kind
    assert "troll@example.org" in by_state and "spam.example" not in by_state
    assert "spam.example" in lifted_only and "troll@example.org" not in lifted_only
    assert "spam.example" in searched and "troll@example.org" not in searched


@pytest.mark.parametrize("query", ["?id__exact=99999999999999999999999", "?value=%00", "?state=bogus&kind__exact=x"])
def test_crafted_filters_never_end_in_a_server_error(client, moderator, query):
    ban(moderator)

    response = client.get(BANS + query)

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


def test_the_list_costs_the_same_queries_for_many_bans(client, moderator):
    for n in range(3):
        ban(ModeratorFactory(), value=f"t{n}@example.org")
    client.get(BANS)

    with CaptureQueriesContext(connection) as few:
        client.get(BANS)
    for n in range(3, 15):
        made = ban(ModeratorFactory(), value=f"t{n}@example.org")
        if n % 2:
            sanction_lift(sanction=made, actor=ModeratorFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(BANS)

    assert len(many) == len(few)


# --- Permissions -------------------------------------------------------------------------------------------


def test_staff_without_the_moderation_permission_get_403_everywhere(client):
    made = SanctionFactory()
    comment = CommentFactory()
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_sanction", "add_sanction", "change_sanction", "delete_sanction", "view_sanctionlift"]
        )
    )
    client.force_login(staff)

    for url in (BANS, ADD, change_url(made)):
        assert client.get(url).status_code == 403, url
    for url in (ADD, reverse("admin:community_sanction_lift", args=[made.pk]), ban_comment_url(comment)):
        assert (
            client.post(
                url,
                {
                    "kind": "email",
                    "value": "x@example.org",
                    "reasons": ["abuse"],
                    "duration": "permanent",
                    "ban-target": "email",
                    "ban-reasons": ["abuse"],
                    "ban-duration": "permanent",
                },
            ).status_code
            == 403
        ), url
    assert Sanction.objects.count() == 1 and not SanctionLift.objects.exists()
    assert BANS not in text(client.get(reverse("admin:index")))


def test_the_admin_home_lists_bans_for_moderators(client, moderator):
    assert BANS in text(client.get(reverse("admin:index")))


def test_bans_are_never_edited_or_deleted_here(client, moderator):
    made = ban(moderator)

    page = text(client.get(change_url(made)))
    edited = client.post(change_url(made), {"kind": "ip", "value": "192.0.2.1", "note": "edited"})
    deleted = client.post(reverse("admin:community_sanction_delete", args=[made.pk]), {"post": "yes"})
    bulk = client.post(BANS, {"action": "delete_selected", "_selected_action": [made.pk], "post": "yes"})

    assert 'name="_save"' not in page and "deletelink" not in page
    assert edited.status_code == 403 and deleted.status_code == 403
    assert bulk.status_code in (200, 302)
    stored = Sanction.objects.get()
    assert (stored.kind, stored.value, stored.note) == ("email", "troll@example.org", "")


# --- Add -------------------------------------------------------------------------------------------------


def test_an_empty_post_shows_the_errors(client, moderator):
    response = client.post(ADD, {})

    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert not Sanction.objects.exists()


def test_the_add_form_is_labelled(client, moderator):
    html = text(client.get(ADD))

    for field in ("kind", "value", "note", "duration"):
        assert f'<label for="id_{field}"' in html, field
    assert "<legend>Guidelines broken</legend>" in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize("duration, days", [("1", 1), ("7", 7), ("30", 30), ("permanent", None)])
def test_adding_a_ban_calls_the_service(client, moderator, duration, days):
    response = client.post(
        ADD,
        {"kind": "ip", "value": "203.0.113.9/24", "reasons": ["promotion"], "note": "spam run", "duration": duration},
        follow=True,
    )

    made = Sanction.objects.get()
    assert (made.kind, made.value, made.reasons, made.note, made.created_by) == (
        "ip",
        "203.0.113.0/24",
        ["promotion"],
        "spam run",
        moderator,
    )
    if days is None:
        assert made.expires_at is None
    else:
        assert abs(made.expires_at - (timezone.now() + timedelta(days=days))) < timedelta(minutes=1)
    assert response.redirect_chain[-1][0] == change_url(made)
    assert "is in force" in text(response)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "ip", "value": "10.0.0.0/8", "reasons": ["abuse"]}, "too broad"),
        ({"kind": "email", "value": "nope", "reasons": ["abuse"]}, "Enter a valid email address."),
        ({"kind": "email", "value": "a@example.org"}, "Choose at least one guideline"),
        ({"kind": "email", "value": "a@example.org", "reasons": ["other"]}, "Explain the reason"),
        ({"kind": "person", "value": "a@example.org", "reasons": ["abuse"]}, "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(client, moderator, data, message):
    response = client.post(ADD, {"duration": "permanent", **data})

    assert response.status_code == 400
    assert message in text(response)
    assert "Nothing was saved" in text(response)
    assert not Sanction.objects.exists()


def test_a_duplicate_ban_is_refused_on_the_form(client, moderator):
    ban(moderator)

    response = client.post(
        ADD, {"kind": "email", "value": "TROLL@example.org", "reasons": ["abuse"], "duration": "permanent"}
    )

    assert response.status_code == 400
    assert "already in force" in text(response)
    assert Sanction.objects.count() == 1


# --- Read and lift -------------------------------------------------------------------------------------------


def test_the_ban_page_offers_to_lift_it_and_lifting_logs_who_and_why(client, moderator):
    made = ban(moderator, note="<script>alert(1)</script>")
    lift_url = reverse("admin:community_sanction_lift", args=[made.pk])

    page = text(client.get(change_url(made)))
    response = client.post(lift_url, {"note": "appeal accepted"}, follow=True)

    assert lift_url in page and "Lift this ban" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    lift = SanctionLift.objects.get()
    assert (lift.sanction, lift.lifted_by, lift.note) == (made, moderator, "appeal accepted")
    after = text(response)
    assert "was lifted" in after
    assert "by mod: appeal accepted" in after
    assert lift_url not in after  # nothing left to lift


def test_a_second_lift_is_refused_with_a_message(client, moderator):
    made = ban(moderator)
    sanction_lift(sanction=made, actor=ModeratorFactory(username="first"))

    response = client.post(reverse("admin:community_sanction_lift", args=[made.pk]), {"note": ""}, follow=True)

    assert "already lifted by first" in text(response)
    assert SanctionLift.objects.count() == 1


def test_an_expired_ban_offers_no_lift_and_refuses_one(client, moderator):
    made = SanctionFactory(expires_at=timezone.now() - timedelta(minutes=5))
    lift_url = reverse("admin:community_sanction_lift", args=[made.pk])

    assert lift_url not in text(client.get(change_url(made)))
    assert "expired" in text(client.post(lift_url, {}, follow=True))
    assert not SanctionLift.objects.exists()


def test_lifting_takes_a_post(client, moderator):
    made = ban(moderator)

    assert client.get(reverse("admin:community_sanction_lift", args=[made.pk])).status_code == 405
    assert client.post(reverse("admin:community_sanction_lift", args=[10**9])).status_code == 404


# --- On a comment's page ---------------------------------------------------------------------------------------


def comment_pages(comment):
    return [
        reverse("admin:comments_comment_change", args=[comment.pk]),
        reverse("admin:moderation_reviewqueueitem_change", args=[comment.pk]),
    ]


def panel(html: str) -> str:
    return html.split('id="commenter-ban"', 1)[1].split("</fieldset>\n  </fieldset>", 1)[0]


def test_the_comment_page_offers_to_ban_by_email_domain_or_ip(client, moderator):
    comment = CommentFactory(author_email="ann@mail.example.org", ip_address="198.51.100.4")

    for url in comment_pages(comment):
        html = text(client.get(url))
        shown = panel(html)

        assert "No ban covers this commenter." in shown
        assert ban_comment_url(comment) in shown and 'formaction="' in shown
        assert "Email address: ann@mail.example.org" in shown
        assert "Email domain: mail.example.org" in shown
        assert "IP address or range: 198.51.100.4" in shown
        assert "<form" not in shown  # it lives inside the page's own form
        assert "<legend>Ban this commenter</legend>" in shown
        assert 'name="ban-next"' in shown


def test_without_an_ip_address_the_panel_offers_email_and_domain_only(client, moderator):
    comment = CommentFactory(ip_address=None)

    shown = panel(text(client.get(comment_pages(comment)[0])))

    assert 'value="ip"' not in shown and 'value="domain"' in shown


def test_the_panel_names_the_bans_in_force_that_cover_the_commenter(client, moderator):
    comment = CommentFactory(author_email="ann@example.org", ip_address="198.51.100.4")
    by_ip = ban(
        moderator,
        kind="ip",
        value="198.51.100.0/24",
        reasons=["promotion"],
        note="spam <b>run</b>",
        expires_at=timezone.now() + timedelta(days=2),
    )
    lifted = ban(moderator, kind="domain", value="example.org")
    sanction_lift(sanction=lifted, actor=moderator)

    shown = panel(text(client.get(comment_pages(comment)[0])))

    assert "A ban covers this commenter." in shown
    assert change_url(by_ip) in shown and change_url(lifted) not in shown
    assert "198.51.100.0/24" in shown and "Commercial or personal promotion" in shown
    assert "spam &lt;b&gt;run&lt;/b&gt;" in shown
    assert "<td>mod</td>" in shown and "until lifted" not in shown


@pytest.mark.parametrize(
    "target, value",
    [
        ("email", "ann@mail.example.org"),
        ("domain", "mail.example.org"),
        ("ip", "198.51.100.4/32"),
    ],
)
def test_banning_from_the_comment_page_calls_the_service_and_returns(client, moderator, target, value):
    comment = CommentFactory(author_email="Ann@Mail.Example.org", ip_address="198.51.100.4")
    back = reverse("admin:moderation_reviewqueueitem_change", args=[comment.pk]) + "?_changelist_filters=flag%3Dabuse"

    response = client.post(
        ban_comment_url(comment),
        {
            "ban-target": target,
            "ban-reasons": ["abuse", "threat"],
            "ban-note": "repeat",
            "ban-duration": "7",
            "ban-next": back,
        },
    )

    assert response.status_code == 302 and response["Location"] == back
    made = Sanction.objects.get()
    assert (made.kind, made.value, made.comment, made.created_by, made.reasons, made.note) == (
        target,
        value,
        comment,
        moderator,
        ["abuse", "threat"],
        "repeat",
    )
    assert abs(made.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    after = text(client.get(back))
    assert "is in force until" in after and "still wait for your decision" in after
    assert Comment.objects.get().status == Comment.Status.PENDING and not ModerationDecision.objects.exists()


def test_a_ban_from_the_comment_page_without_reason_shows_an_error_and_saves_nothing(client, moderator):
    comment = CommentFactory()

    response = client.post(ban_comment_url(comment), {"ban-target": "email", "ban-duration": "permanent"}, follow=True)

    assert response.status_code == 200
    assert "Nothing was banned" in text(response) and "Choose at least one guideline" in text(response)
    assert not Sanction.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"ban-target": "ip", "ban-reasons": ["abuse"], "ban-duration": "permanent"},  # no IP on this comment
        {"ban-target": "email", "ban-reasons": ["abuse"], "ban-duration": "forever"},
        {"ban-reasons": ["abuse"], "ban-duration": "permanent"},
    ],
)
def test_bad_ban_posts_end_in_a_message_never_a_500(client, moderator, data):
    comment = CommentFactory(ip_address=None)

    response = client.post(ban_comment_url(comment), data, follow=True)

    assert response.status_code == 200
    assert "Nothing was banned" in text(response)
    assert not Sanction.objects.exists()


def test_a_duplicate_ban_from_the_comment_page_is_a_warning(client, moderator):
    comment = CommentFactory(author_email="troll@example.org")
    ban(moderator)

    response = client.post(
        ban_comment_url(comment),
        {"ban-target": "email", "ban-reasons": ["abuse"], "ban-duration": "permanent"},
        follow=True,
    )

    assert "already in force" in text(response)
    assert Sanction.objects.count() == 1


@pytest.mark.parametrize("wanted", ["https://evil.example/admin/", "//evil.example/", "/articles/x/", ""])
def test_the_way_back_is_only_ever_an_admin_page_here(client, moderator, wanted):
    comment = CommentFactory()

    response = client.post(
        ban_comment_url(comment),
        {"ban-target": "email", "ban-reasons": ["abuse"], "ban-duration": "permanent", "ban-next": wanted},
    )

    assert response["Location"] == reverse("admin:comments_comment_change", args=[comment.pk])


def test_banning_from_a_comment_page_takes_a_post_on_a_real_comment(client, moderator):
    assert client.get(ban_comment_url(CommentFactory())).status_code == 405
    assert client.post(reverse("admin:community_sanction_ban_comment", args=[10**9]), {}).status_code == 404


# --- In Chromium: the panel's button really posts from inside the page's form; no axe violations ----------------


@pytest.fixture
def as_moderator_in_browser(open_page, client, live_server):
    from urllib.parse import urlsplit

    from django.conf import settings

    user = ModeratorFactory(username="alice")
    client.force_login(user)
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
def test_in_the_browser_a_moderator_bans_from_the_comment_page(as_moderator_in_browser):
    from config.tests.browser import axe_violations

    comment = CommentFactory(author_email="ann@mail.example.org", ip_address="198.51.100.4")
    path = reverse("admin:moderation_reviewqueueitem_change", args=[comment.pk])

    page = as_moderator_in_browser(path)
    assert axe_violations(page) == []
    page.get_by_label("Email domain: mail.example.org").check()
    page.locator("#commenter-ban").get_by_label("Abuse").check()
    page.get_by_label("For how long").select_option("7")
    page.get_by_role("button", name="Ban this commenter").click()
    page.wait_for_load_state()

    made = Sanction.objects.get()
    assert (made.kind, made.value, made.reasons, made.comment_id) == (
        "domain",
        "mail.example.org",
        ["abuse"],
        comment.pk,
    )
    assert page.url.endswith(path)
    assert "is in force until" in page.content()
    assert page.locator("#commenter-ban .ban-in-force").is_visible()
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_the_bans_pages_have_no_axe_violations(as_moderator_in_browser):
    from config.tests.browser import axe_violations

    made = SanctionFactory(note="repeat")
    page = as_moderator_in_browser(BANS)
    assert axe_violations(page) == []

    page.goto(ADD)
    page.get_by_role("button", name="Ban").click()  # empty: the errors are shown on the form
    assert "Nothing was saved" in page.content()
    assert axe_violations(page) == []

    page.goto(change_url(made))
    page.get_by_label("Why lift it (optional)").fill("appeal")
    page.get_by_role("button", name="Lift this ban").click()
    page.wait_for_load_state()
    assert SanctionLift.objects.get().note == "appeal"
    assert axe_violations(page) == []

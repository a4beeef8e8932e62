"""Moderator API for bans: list with filters, create, detail, lift, and ban a comment's author."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comments.models import Comment
from comments.tests.factories import CommentFactory
from community.models import Sanction, SanctionLift
from community.sanctions import sanction_create, sanction_lift
from community.tests.factories import SanctionFactory
from moderation.models import ModerationDecision
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

SANCTIONS = "/api/moderation/sanctions/"
FIELDS = {
    "id",
    "kind",
    "value",
    "reasons",
    "note",
    "comment",
    "created_by",
    "created_at",
    "expires_at",
    "state",
    "lift",
}


def detail_url(sanction_id):
    return f"{SANCTIONS}{sanction_id}/"


def lift_url(sanction_id):
    return f"{SANCTIONS}{sanction_id}/lift/"


def ban_url(comment_id):
    return f"/api/moderation/comments/{comment_id}/ban/"


@pytest.fixture
def moderator():
    return ModeratorFactory(username="mod-anna")


@pytest.fixture
def api(moderator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    return client


def ban(moderator, kind="email", value="troll@example.org", **kwargs):
    return sanction_create(actor=moderator, kind=kind, value=value, reasons=kwargs.pop("reasons", ["abuse"]), **kwargs)


def later(**kwargs):
    return (timezone.now() + timedelta(**kwargs)).isoformat()


# --- List --------------------------------------------------------------------------------------------------


def test_the_list_is_paginated_newest_first_with_every_field(api, moderator):
    first = ban(moderator)
    second = ban(moderator, kind="ip", value="192.0.2.0/24", expires_at=timezone.now() + timedelta(days=1))
    sanction_lift(sanction=second, actor=moderator, note="wrong range")

    response = api.get(SANCTIONS)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    lifted, active = body["results"]
    assert set(active) == FIELDS
    assert (active["kind"], active["value"], active["reasons"], active["state"], active["lift"]) == (
        "email",
        "troll@example.org",
        ["abuse"],
        "active",
        None,
    )
    assert active["created_by"] == "mod-anna" and active["expires_at"] is None and active["comment"] is None
    assert lifted["state"] == "lifted"
    assert lifted["lift"]["lifted_by"] == "mod-anna" and lifted["lift"]["note"] == "wrong range"


def test_the_list_filters_by_state_kind_and_search(api, moderator):
    active = ban(moderator)
    lifted = ban(moderator, kind="domain", value="spam.example")
    sanction_lift(sanction=lifted, actor=moderator)
    expired = SanctionFactory(value="old@example.org", expires_at=timezone.now() - timedelta(hours=1))

    def listed(**params):
        return [row["id"] for row in api.get(SANCTIONS, params).json()["results"]]

    assert listed(state="active") == [active.pk]
    assert listed(state="lifted") == [lifted.pk]
    assert listed(state="expired") == [expired.pk]
    assert listed(kind="domain") == [lifted.pk]
    assert listed(search="OLD@") == [expired.pk]
    assert listed(kind="email", state="active") == [active.pk]


@pytest.mark.parametrize(
    "query, field",
    [
        ("?state=forever", "state"),
        ("?kind=phone", "kind"),
        ("?state=", "state"),
        ("?kind=ip&kind=email", "kind"),
        ("?search=a%00b", "search"),
        ("?page_size=0", "page_size"),
    ],
)
def test_bad_filters_are_400_with_the_parameter_named(api, query, field):
    response = api.get(SANCTIONS + query)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_list_costs_the_same_queries_for_many_bans(api, moderator):
    ban(moderator)
    with CaptureQueriesContext(connection) as few:
        api.get(SANCTIONS)
    for n in range(10):
        made = ban(ModeratorFactory(), value=f"t{n}@example.org")
        if n % 2:
            sanction_lift(sanction=made, actor=ModeratorFactory())
    with CaptureQueriesContext(connection) as many:
        response = api.get(SANCTIONS)

    assert response.json()["count"] == 11
    assert len(many) == len(few)


# --- Permissions -------------------------------------------------------------------------------------------


def every_call(sanction_id, comment_id):
    return [
        ("get", SANCTIONS, None),
        ("post", SANCTIONS, {"kind": "email", "value": "x@example.org", "reasons": ["abuse"]}),
        ("get", detail_url(sanction_id), None),
        ("post", lift_url(sanction_id), {}),
        ("post", ban_url(comment_id), {"target": "email", "reasons": ["abuse"]}),
    ]


def test_anonymous_callers_get_401_and_non_moderators_403(moderator):
    made = ban(moderator)
    comment = CommentFactory()
    anonymous = APIClient()
    staff = APIClient()
    staff.force_authenticate(UserFactory(is_staff=True))

    for method, url, data in every_call(made.pk, comment.pk):
        assert getattr(anonymous, method)(url, data, format="json").status_code == 401, url
        response = getattr(staff, method)(url, data, format="json")
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"
    assert Sanction.objects.count() == 1 and not SanctionLift.objects.exists()


# --- Create ------------------------------------------------------------------------------------------------


def test_creating_a_ban_answers_201_with_the_normalised_ban(api, moderator):
    ends = later(days=7)

    response = api.post(
        SANCTIONS,
        {"kind": "ip", "value": "2001:DB8:5::7/48", "reasons": ["promotion"], "note": "bot farm", "expires_at": ends},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    made = Sanction.objects.get()
    assert body["id"] == made.pk
    assert (body["kind"], body["value"], body["state"], body["created_by"]) == (
        "ip",
        "2001:db8:5::/48",
        "active",
        "mod-anna",
    )
    assert made.created_by == moderator and made.note == "bot farm"
    assert made.expires_at is not None


def test_a_ban_may_have_no_reasons_when_the_note_says_why(api):
    response = api.post(SANCTIONS, {"kind": "domain", "value": "spam.example", "note": "ban evasion"}, format="json")

    assert response.status_code == 201
    assert response.json()["reasons"] == []


@pytest.mark.parametrize(
    "data, fields",
    [
        ({"kind": "email", "value": "nope", "reasons": ["abuse"]}, {"value"}),
        ({"kind": "ip", "value": "10.0.0.0/8", "reasons": ["abuse"]}, {"value"}),
        ({"kind": "domain", "value": "org", "reasons": ["abuse"]}, {"value"}),
        ({"kind": "email", "value": "a@example.org"}, {"reasons"}),
        ({"kind": "email", "value": "a@example.org", "reasons": ["other"]}, {"note"}),
        ({"kind": "email", "value": "a@example.org", "reasons": ["banned"]}, {"reasons"}),
        (
            {"kind": "email", "value": "a@example.org", "reasons": ["abuse"], "expires_at": "2001-01-01T00:00:00Z"},
            {"expires_at"},
        ),
        ({"kind": "email", "value": "a@example.org", "reasons": ["abuse"], "expires_at": "soon"}, {"expires_at"}),
        ({"kind": "person", "value": "a@example.org", "reasons": ["abuse"]}, {"kind"}),
        ({"kind": "email", "value": 12, "reasons": ["abuse"]}, {"value"}),
        ({"kind": "email", "value": "a@example.org", "reasons": ["abuse"], "surprise": 1}, {"surprise"}),
        ({}, {"kind", "value"}),
    ],
)
def test_bad_input_is_400_with_field_messages(api, data, fields):
    response = api.post(SANCTIONS, data, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == fields
    assert not Sanction.objects.exists()


def test_a_form_encoded_body_is_415(api):
    response = api.post(SANCTIONS, {"kind": "email", "value": "a@example.org", "reasons": "abuse"})

    assert response.status_code == 415


def test_a_duplicate_active_ban_is_409_already_banned(api, moderator):
    first = ban(moderator)

    response = api.post(SANCTIONS, {"kind": "email", "value": "Troll@Example.org", "reasons": ["abuse"]}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "already_banned" and body["sanction"] == first.pk and body["errors"] == {}
    assert "already in force" in body["detail"]
    assert Sanction.objects.count() == 1


# --- Detail ------------------------------------------------------------------------------------------------


def test_detail_shows_one_ban_and_unknown_ids_are_404(api, moderator):
    made = ban(moderator, note="repeat offender")

    response = api.get(detail_url(made.pk))
    missing = api.get(detail_url(10**9))

    assert response.status_code == 200
    assert response.json()["note"] == "repeat offender" and set(response.json()) == FIELDS
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


# --- Lift --------------------------------------------------------------------------------------------------


def test_lifting_answers_the_lifted_ban(api, moderator):
    made = ban(moderator)

    response = api.post(lift_url(made.pk), {"note": "appeal"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "lifted" and body["lift"]["note"] == "appeal" and body["lift"]["lifted_by"] == "mod-anna"
    assert SanctionLift.objects.get().lifted_by == moderator


def test_lifting_needs_no_body(api, moderator):
    made = ban(moderator)

    assert api.post(lift_url(made.pk), format="json").status_code == 200


def test_a_second_lift_is_409_already_lifted(api, moderator):
    made = ban(moderator)
    sanction_lift(sanction=made, actor=ModeratorFactory(username="first"))

    response = api.post(lift_url(made.pk), {}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["sanction"]) == ("already_lifted", made.pk)
    assert "first" in body["detail"]
    assert SanctionLift.objects.count() == 1


def test_lifting_an_expired_ban_is_409_already_expired(api):
    made = SanctionFactory(expires_at=timezone.now() - timedelta(minutes=1))

    response = api.post(lift_url(made.pk), {}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "already_expired"
    assert not SanctionLift.objects.exists()


@pytest.mark.parametrize("data, field", [({"note": "x" * 2001}, "note"), ({"note": 5}, "note"), ({"why": "x"}, "why")])
def test_bad_lift_bodies_are_400(api, moderator, data, field):
    made = ban(moderator)

    response = api.post(lift_url(made.pk), data, format="json")

    assert response.status_code == 400 and field in response.json()["errors"]
    assert not SanctionLift.objects.exists()


def test_lifting_an_unknown_ban_is_404(api):
    assert api.post(lift_url(10**9), {}, format="json").status_code == 404


# --- Ban a comment's author --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, kind, value",
    [
        ("email", "email", "ann@mail.example.org"),
        ("domain", "domain", "mail.example.org"),
        ("ip", "ip", "198.51.100.4/32"),
    ],
)
def test_banning_a_comment_s_author_takes_the_value_from_the_comment(api, moderator, target, kind, value):
    comment = CommentFactory(author_email="Ann@Mail.Example.org", ip_address="198.51.100.4")

    response = api.post(
        ban_url(comment.pk), {"target": target, "reasons": ["threat"], "expires_at": later(days=1)}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["value"], body["comment"], body["reasons"]) == (kind, value, comment.pk, ["threat"])
    assert Comment.objects.get().status == Comment.Status.PENDING and not ModerationDecision.objects.exists()


def test_a_value_in_the_body_is_refused(api):
    comment = CommentFactory()

    response = api.post(
        ban_url(comment.pk), {"target": "email", "reasons": ["abuse"], "value": "x@example.org"}, format="json"
    )

    assert response.status_code == 400 and response.json()["errors"] == {"value": ["Unknown field."]}


@pytest.mark.parametrize(
    "data, field",
    [
        ({"target": "ip", "reasons": ["abuse"]}, "target"),  # the comment has no IP address
        ({"target": "name", "reasons": ["abuse"]}, "target"),
        ({"target": "email"}, "reasons"),
        ({"target": "email", "reasons": ["abuse"], "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
    ],
)
def test_bad_comment_bans_are_400(api, data, field):
    comment = CommentFactory(ip_address=None)

    response = api.post(ban_url(comment.pk), data, format="json")

    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Sanction.objects.exists()


def test_banning_an_already_banned_author_is_409_and_an_unknown_comment_404(api, moderator):
    comment = CommentFactory(author_email="troll@example.org")
    first = ban(moderator)

    duplicate = api.post(ban_url(comment.pk), {"target": "email", "reasons": ["abuse"]}, format="json")
    missing = api.post(ban_url(10**9), {"target": "email", "reasons": ["abuse"]}, format="json")

    assert duplicate.status_code == 409
    assert (duplicate.json()["code"], duplicate.json()["sanction"]) == ("already_banned", first.pk)
    assert missing.status_code == 404


# --- Nothing public --------------------------------------------------------------------------------------------


def test_public_endpoints_never_mention_bans(moderator):
    comment = CommentFactory(author_email="troll@example.org", status=Comment.Status.APPROVED)
    ban(moderator, note="secret note")
    public = APIClient()

    listing = public.get(f"/api/articles/{comment.article.slug}/comments/")
    schema_paths = public.get("/api/schema/").content.decode()

    assert listing.status_code == 200
    assert "troll@example.org" not in listing.content.decode() and "secret note" not in listing.content.decode()
    assert "/api/moderation/sanctions/" in schema_paths

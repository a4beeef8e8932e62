"""Moderator API for trust: the log, POSTing a change, one commenter's trust, trusted commenters; and `standing`
in the moderator comment detail."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comments.tests.factories import CommentFactory
from community.models import Sanction, TrustChange
from community.tests.factories import SanctionFactory
from community.trust import trust_grant, trust_revoke
from moderation.services import comment_approve
from moderation.tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

LOG = "/api/moderation/trust/"
TRUSTED = "/api/moderation/trust/trusted/"
COMMENTER = "/api/moderation/trust/commenter/"


@pytest.fixture
def moderator():
    return ModeratorFactory(username="mia")


@pytest.fixture
def api(moderator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    return client


def post(api, **body):
    return api.post(LOG, body, format="json")


def test_post_marks_trusted_and_answers_201_with_the_change(api, moderator):
    response = post(api, email=" Reg@Example.org ", trusted=True, note="regular")

    assert response.status_code == 201
    body = response.json()
    change = TrustChange.objects.get()
    assert body == {
        "id": change.pk,
        "email": "reg@example.org",
        "trusted": True,
        "note": "regular",
        "changed_by": "mia",
        "changed_at": body["changed_at"],
    }
    assert response["Cache-Control"].count("no-store") == 1


def test_post_takes_trust_back(api, moderator):
    trust_grant(email="reg@example.org", actor=moderator)

    response = post(api, email="reg@example.org", trusted=False)

    assert response.status_code == 201 and response.json()["trusted"] is False
    assert TrustChange.objects.count() == 2


def test_a_change_that_changes_nothing_is_409_no_change(api, moderator):
    trust_grant(email="reg@example.org", actor=ModeratorFactory(username="ola"))

    response = post(api, email="REG@example.org", trusted=True)

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["trusted"], body["changed_by"]) == ("no_change", True, "ola")
    assert body["since"] and "Nothing was changed." in body["detail"] and body["errors"] == {}
    assert TrustChange.objects.count() == 1
    assert post(api, email="new@example.org", trusted=False).json()["code"] == "no_change"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"trusted": True}, "email"),
        ({"email": "reg@example.org"}, "trusted"),
        ({"email": "not an address", "trusted": True}, "email"),
        ({"email": "", "trusted": True}, "email"),
        ({"email": 5, "trusted": True}, "email"),
        ({"email": "reg@example.org", "trusted": "yes"}, "trusted"),
        ({"email": "reg@example.org", "trusted": 1}, "trusted"),
        ({"email": "reg@example.org", "trusted": True, "note": "n" * 2001}, "note"),
        ({"email": "reg@example.org", "trusted": True, "publish": True}, "publish"),
    ],
)
def test_bad_input_is_400_with_field_messages(api, body, field):
    response = api.post(LOG, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not TrustChange.objects.exists()


def test_the_log_lists_changes_newest_first_and_filters(api, moderator):
    trust_grant(email="ann@example.org", actor=moderator)
    trust_revoke(email="ann@example.org", actor=moderator)
    trust_grant(email="bob@example.org", actor=moderator)

    everything = api.get(LOG).json()
    assert [(c["email"], c["trusted"]) for c in everything["results"]] == [
        ("bob@example.org", True),
        ("ann@example.org", False),
        ("ann@example.org", True),
    ]
    assert [c["trusted"] for c in api.get(LOG, {"email": "ANN@example.org"}).json()["results"]] == [False, True]
    assert [c["email"] for c in api.get(LOG, {"trusted": "false"}).json()["results"]] == ["ann@example.org"]
    for bad in ({"trusted": "maybe"}, {"email": ""}, {"email": "x" * 300}):
        assert api.get(LOG, bad).status_code == 400, bad


def test_the_log_takes_a_constant_number_of_queries(api, moderator, django_assert_max_num_queries):
    def queries():
        with django_assert_max_num_queries(5) as captured:  # token, 2 permissions, count, page with moderators
            assert api.get(LOG).status_code == 200
        return len(captured.captured_queries)

    trust_grant(email="a@example.org", actor=moderator)
    few = queries()
    for n in range(10):
        trust_grant(email=f"r{n}@example.org", actor=ModeratorFactory())
    assert queries() == few


def test_one_commenters_trust_with_the_suggestion(api, moderator, settings):
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 2
    for _ in range(2):
        comment_approve(comment=CommentFactory(author_email="good@example.org"), moderator=moderator)

    before = api.get(COMMENTER, {"email": "Good@example.org"}).json()
    assert before == {
        "email": "good@example.org",
        "trusted": False,
        "since": None,
        "changed_by": None,
        "note": "",
        "change_id": None,
        "suggestion": {"suggested": True, "approved": 2, "rejected": 0, "threshold": 2},
    }
    change = trust_grant(email="good@example.org", actor=moderator, note="thoughtful")
    after = api.get(COMMENTER, {"email": "good@example.org"}).json()
    assert (after["trusted"], after["changed_by"], after["note"], after["change_id"]) == (
        True,
        "mia",
        "thoughtful",
        change.pk,
    )
    assert after["suggestion"]["suggested"] is False


@pytest.mark.parametrize("query", [{}, {"email": ""}, {"email": "x" * 300}])
def test_one_commenters_trust_needs_one_email(api, query):
    response = api.get(COMMENTER, query)

    assert response.status_code == 400 and "email" in response.json()["errors"]


def test_repeated_email_is_400(api):
    assert api.get(f"{COMMENTER}?email=a@example.org&email=b@example.org").status_code == 400


def test_trusted_commenters_lists_who_is_trusted_now(api, moderator):
    trust_grant(email="ann@example.org", actor=moderator)
    trust_grant(email="bob@example.org", actor=moderator)
    trust_revoke(email="ann@example.org", actor=moderator)

    assert [c["email"] for c in api.get(TRUSTED).json()["results"]] == ["bob@example.org"]


def test_detail_has_the_authors_standing(api, moderator, settings):
    settings.COMMUNITY_TRUST_SUGGEST_APPROVED = 1
    comment_approve(comment=CommentFactory(author_email="good@example.org"), moderator=moderator)
    good = CommentFactory(author_email="good@example.org")
    ban = SanctionFactory(kind=Sanction.Kind.DOMAIN, value="spam.example")
    spammer = CommentFactory(author_email="x@spam.example")

    def standing(comment):
        return api.get(f"/api/moderation/comments/{comment.pk}/").json()["standing"]

    assert standing(good) == {"banned": False, "ban_id": None, "trusted": False, "trust_suggested": True}
    assert standing(spammer) == {"banned": True, "ban_id": ban.pk, "trusted": False, "trust_suggested": False}
    trust_grant(email="good@example.org", actor=moderator)
    assert standing(good) == {"banned": False, "ban_id": None, "trusted": True, "trust_suggested": False}


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", LOG),
        ("post", LOG),
        ("get", TRUSTED),
        ("get", f"{COMMENTER}?email=a@example.org"),
    ],
)
def test_moderators_only(method, url):
    anonymous = APIClient()
    plain = APIClient()
    plain.force_authenticate(UserFactory(is_staff=True))
    body = {"email": "a@example.org", "trusted": True}

    assert getattr(anonymous, method)(url, body if method == "post" else None, format="json").status_code == 401
    assert getattr(plain, method)(url, body if method == "post" else None, format="json").status_code == 403
    assert not TrustChange.objects.exists()


def test_public_api_never_says_who_is_trusted(client, moderator):
    comment = CommentFactory(author_email="reg@example.org")
    comment_approve(comment=comment, moderator=moderator)
    trust_grant(email="reg@example.org", actor=moderator)

    body = client.get(f"/api/articles/{comment.article.slug}/comments/").content.decode()

    assert str(comment.pk) in body
    assert "trust" not in body and "reg@example.org" not in body

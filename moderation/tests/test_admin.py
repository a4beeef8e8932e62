from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation import checkmodels
from moderation.admin import CappedCountPaginator, QueueArticleFilter, ReviewQueueAdmin
from moderation.checks.model import shipped_model
from moderation.claims import claim_comment
from moderation.models import CheckModelActivation, Claim, ModerationDecision
from moderation.services import comment_approve, comment_reject
from moderation.stats import cache_key as stats_cache_key
from moderation.tests.factories import (
    CheckModelManagerFactory,
    CheckModelVersionFactory,
    ModeratorFactory,
    UserFactory,
    tiny_model,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


def run_action(client, action, comments):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def test_moderator_approves_selected_through_the_service(client):
    moderator = ModeratorFactory()
    client.force_login(moderator)
    comments = CommentFactory.create_batch(2)

    response = run_action(client, "approve_selected", comments)

    assert response.status_code == 200
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    assert ModerationDecision.objects.filter(moderator=moderator, verdict="approved").count() == 2


def test_moderator_rejects_selected_with_the_category_as_reason(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory()

    run_action(client, "reject_as_threat", [comment])

    decision = ModerationDecision.objects.get(comment=comment)
    assert (decision.verdict, decision.reasons) == ("rejected", ["threat"])


def test_bulk_action_skips_and_reports_comments_already_in_that_state(client):
    client.force_login(ModeratorFactory())
    already = CommentFactory(status=Comment.Status.APPROVED)
    fresh = CommentFactory()

    response = run_action(client, "approve_selected", [already, fresh])

    assert "1 comment(s) skipped" in response.content.decode()
    assert ModerationDecision.objects.count() == 1


def test_staff_without_moderation_permission_get_no_list_and_no_decision_actions(client):
    # Django's view permission alone shows no comment page (moderation/tests/test_admin_permissions.py).
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(staff)
    comment = CommentFactory()

    page = client.get(CHANGELIST)
    action = client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [comment.pk]})

    assert (page.status_code, action.status_code) == (403, 403)
    assert comment.body not in page.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_admin_change_form_post_cannot_edit_content(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory(body="Original words", author_name="Reader")
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    page = client.get(url)
    response = client.post(
        url,
        {"body": "Edited words", "author_name": "Someone else", "status": "approved"},
    )

    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()  # shown read-only, no input
    assert response.status_code in (302, 403)
    comment.refresh_from_db()
    assert (comment.body, comment.author_name, comment.status) == (
        "Original words",
        "Reader",
        Comment.Status.PENDING,
    )


def test_comment_page_shows_decision_history(client):
    moderator = ModeratorFactory(username="dana")
    comment = CommentFactory()
    comment_approve(comment=comment, moderator=moderator)
    comment_reject(comment=comment, moderator=moderator, reasons=["abuse"], note="on second look")
    client.force_login(moderator)

    html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()

    assert "on second look" in html
    assert html.count("dana") >= 2


def test_moderators_cannot_add_or_delete_comments(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory()

    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
    assert client.post(reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_flag_badges_escape_and_list_filter_by_category(client):
    client.force_login(ModeratorFactory())
    flagged = CommentFactory(flags="|threat|", body="flagged one")
    CommentFactory(flags="", body="clean one")

    html = client.get(CHANGELIST, {"flag": "threat"}).content.decode()

    assert "flagged one" in html and "clean one" not in html
    assert 'class="flag flag-threat"' in html
    assert str(flagged.pk) in html


# --- Review queue --------------------------------------------------------------------------

QUEUE = reverse("admin:moderation_reviewqueueitem_changelist")


def queue_change(comment):
    return reverse("admin:moderation_reviewqueueitem_change", args=[comment.pk])


def queue_decide(comment):
    return reverse("admin:moderation_reviewqueueitem_decide", args=[comment.pk])


def comment_decide(comment):
    return reverse("admin:comments_comment_decide", args=[comment.pk])


def listed(response):
    return [c.pk for c in response.context["cl"].result_list]


def flagged(body, word, category, **kwargs):
    start = body.index(word)
    finding = {
        "category": category,
        "rule": "test",
        "start": start,
        "end": start + len(word),
        "evidence": word,
        "score": 0.8,
    }
    return CommentFactory(body=body, flags=f"|{category}|", findings={"findings": [finding]}, **kwargs)


@pytest.fixture
def moderator(client):
    user = ModeratorFactory(username="alice")
    client.force_login(user)
    return user


def test_queue_lists_only_pending_highest_priority_then_oldest(client, moderator):
    now = timezone.now()
    low = CommentFactory(priority=0.1, submitted_at=now - timedelta(hours=2))
    high_new = CommentFactory(priority=0.9, submitted_at=now)
    high_old = CommentFactory(priority=0.9, submitted_at=now - timedelta(hours=1))
    CommentFactory(priority=1.0, status=Comment.Status.APPROVED)
    CommentFactory(priority=1.0, status=Comment.Status.REJECTED)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert listed(response) == [high_old.pk, high_new.pk, low.pk]


def test_queue_filters_by_category_flagged_article_and_date(client, moderator):
    article = ArticleFactory()
    threat = flagged("I will hurt you", "hurt", "threat", article=article)
    promo = flagged("buy pills here", "pills", "promotion")
    clean = CommentFactory(article=article, submitted_at=timezone.now() - timedelta(days=30))

    assert listed(client.get(QUEUE, {"flag": "threat"})) == [threat.pk]
    assert set(listed(client.get(QUEUE, {"flag": "__any__"}))) == {threat.pk, promo.pk}
    assert listed(client.get(QUEUE, {"flag": "__none__"})) == [clean.pk]
    assert set(listed(client.get(QUEUE, {"article": article.pk}))) == {threat.pk, clean.pk}
    changelist = client.get(QUEUE).context["cl"]
    date_filter = next(spec for spec in changelist.filter_specs if spec.title == "submitted at")
    past_7_days = next(c["query_string"] for c in date_filter.choices(changelist) if c["display"] == "Past 7 days")
    assert set(listed(client.get(QUEUE + past_7_days))) == {threat.pk, promo.pk}


def test_article_filters_list_only_the_newest_articles_plus_the_selected_one(client, moderator, monkeypatch):
    monkeypatch.setattr(QueueArticleFilter, "LIMIT", 2)
    now = timezone.now()
    old, middle, new = (ArticleFactory(published_at=now - timedelta(days=d)) for d in (3, 2, 1))
    ArticleFactory(published_at=now)  # newest, but nothing waiting: not offered by the queue
    comments = {article: CommentFactory(article=article) for article in (old, middle, new)}

    def choices(response):
        spec = next(f for f in response.context["cl"].filter_specs if f.title == "article")
        return [pk for pk, _ in spec.lookup_choices]

    assert choices(client.get(QUEUE)) == [new.pk, middle.pk]
    selected = client.get(QUEUE, {"article": old.pk})
    assert choices(selected) == [new.pk, middle.pk, old.pk]
    assert listed(selected) == [comments[old].pk]


def test_comment_list_counts_up_to_the_cap_and_has_no_date_hierarchy(client, moderator, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 2)
    CommentFactory.create_batch(3)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(CHANGELIST)

    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 3" in counts[0]
    assert '<span class="queue-count">2+</span>' in response.content.decode()
    assert response.context["cl"].date_hierarchy is None


def test_queue_searches_text_author_name_and_email(client, moderator):
    by_text = CommentFactory(body="The tram timetable is wrong")
    by_name = CommentFactory(author_name="Zelda Quist")
    by_email = CommentFactory(author_email="nobody@tramfans.example")

    assert listed(client.get(QUEUE, {"q": "timetable"})) == [by_text.pk]
    assert listed(client.get(QUEUE, {"q": "zelda"})) == [by_name.pk]
    assert listed(client.get(QUEUE, {"q": "tramfans"})) == [by_email.pk]


def test_queue_rows_show_badges_and_escaped_highlighted_body(client, moderator):
    flagged("<script>alert(1)</script> you idiot", "idiot", "personal_attack")

    html = client.get(QUEUE).content.decode()

    assert '<span class="flag flag-personal_attack">Personal attacks</span>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; you " in html
    assert '<mark class="evidence" data-categories="personal_attack" title="personal_attack">idiot</mark>' in html
    assert "<script>alert(1)" not in html


def test_queue_and_comment_pages_load_the_keyboard_script(client, moderator):
    comment = CommentFactory()

    for url in (QUEUE, queue_change(comment), reverse("admin:comments_comment_change", args=[comment.pk])):
        assert "moderation/review.js" in client.get(url).content.decode()


def is_badge_query(sql: str) -> bool:
    """The commenter badges' one aggregate per queue page: grouped by the page's authors' emails (their trust
    and ban look-ups are one query each, see is_trust_or_ban_query)."""
    sql = sql.upper()
    return "COUNT(" in sql and 'LOWER("COMMENTS_COMMENT"."AUTHOR_EMAIL") IN (' in sql and "GROUP BY" in sql


def is_trust_or_ban_query(sql: str) -> bool:
    return 'FROM "COMMUNITY_TRUSTCHANGE"' in sql.upper() or 'FROM "COMMUNITY_SANCTION"' in sql.upper()


def test_queue_runs_a_constant_number_of_queries(client, moderator, django_assert_max_num_queries):
    other = ModeratorFactory()

    def make(count):
        for n in range(count):
            comment = flagged(f"comment {n} is spam", "spam", "promotion", article=ArticleFactory())
            claim_comment(comment, other if n % 2 else moderator)

    def queries():
        with django_assert_max_num_queries(12) as captured:
            response = client.get(QUEUE, {"flag": "__any__"})
        assert response.status_code == 200
        return captured.captured_queries, len(listed(response))

    make(3)
    few, shown = queries()
    make(27)
    many, shown_many = queries()

    assert (shown, shown_many) == (3, 30)
    assert len(few) == len(many)
    # No extra full-table count: the one COUNT besides the capped queue count is the commenter badges'
    # aggregate over the page's authors (community.selectors.commenter_badges), one for the whole page.
    assert sum(is_badge_query(q["sql"]) for q in many) == 1
    assert sum(is_trust_or_ban_query(q["sql"]) for q in many) == 2  # which authors are trusted, which banned
    assert sum("COUNT(" in q["sql"].upper() and not is_badge_query(q["sql"]) for q in many) == 1


def test_change_pages_run_a_constant_number_of_queries(client, moderator, django_assert_max_num_queries):
    other = ModeratorFactory()
    comments = [flagged(f"comment {n} is spam", "spam", "promotion", priority=n / 10) for n in range(6)]
    claim_comment(comments[1], other)
    decided = CommentFactory()
    for n in range(4):  # a history of reversals
        if n % 2:
            comment_approve(comment=Comment.objects.get(pk=decided.pk), moderator=other)
        else:
            comment_reject(comment=Comment.objects.get(pk=decided.pk), moderator=other, reasons=["abuse"])

    # 10 before the "Commenter history" panel, which adds a fixed 3 per page (the author's counts, their
    # other comments with their latest decisions' reasons, the same-IP comments), its ban controls 1 (the
    # bans covering the commenter) and its trust controls 2 (the address's latest trust change, its
    # approved / rejected counts).
    def queries(url):
        with django_assert_max_num_queries(16) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries)

    client.get(queue_change(comments[5]))  # warm-up: Django caches content types per process
    first_open = queries(queue_change(comments[3]))
    reopen = queries(queue_change(comments[3]))
    claimed_by_other = queries(queue_change(comments[1]))
    filtered = queries(with_filters(queue_change(comments[4]), flag="promotion", q="spam"))
    history = queries(reverse("admin:comments_comment_change", args=[decided.pk]))

    assert Claim.objects.get(comment=comments[3]).moderator == moderator
    assert Claim.objects.get(comment=comments[1]).moderator == other
    assert max(first_open, reopen, claimed_by_other, filtered, history) <= 16


def test_change_page_shows_decision_buttons_with_the_status_shown(client, moderator):
    comment = CommentFactory()

    html = client.get(queue_change(comment)).content.decode()

    assert f'action="{queue_decide(comment)}"' in html
    assert 'name="expected_status" value="pending"' in html
    assert 'value="approve"' in html and 'value="reject"' in html
    assert 'value="other"' in html  # the reason picker offers every guideline


def test_approve_button_decides_and_moves_to_the_next_in_queue(client, moderator):
    first = CommentFactory(priority=0.9)
    second = CommentFactory(priority=0.5)

    response = client.post(queue_decide(first), {"decision": "approve", "expected_status": "pending"})

    assert response.status_code == 302 and response.url == queue_change(second)
    first.refresh_from_db()
    decision = ModerationDecision.objects.get(comment=first)
    assert (first.status, decision.verdict, decision.moderator, decision.reasons) == (
        "approved",
        "approved",
        moderator,
        [],
    )


def with_filters(url, **filters):
    return f"{url}?{urlencode({'_changelist_filters': urlencode(filters)})}"


def test_next_after_decision_stays_in_the_filtered_queue_and_keeps_the_filters(client, moderator):
    first = flagged("I will hurt you", "hurt", "threat", priority=0.9)
    CommentFactory(priority=0.8)  # next in the whole queue, but not a threat
    flagged("buy pills here", "pills", "promotion", priority=0.7)
    second = flagged("I will hurt them too", "hurt", "threat", priority=0.6)
    opened = client.get(QUEUE, {"flag": "threat"}).content.decode()
    link = with_filters(queue_change(first), flag="threat")
    assert link.replace("&", "&amp;") in opened  # Django's row link carries the filters

    page = client.get(link).content.decode()
    assert f'action="{with_filters(queue_decide(first), flag="threat")}"'.replace("&", "&amp;") in page
    response = client.post(
        with_filters(queue_decide(first), flag="threat"), {"decision": "approve", "expected_status": "pending"}
    )

    assert response.status_code == 302
    assert response.url == with_filters(queue_change(second), flag="threat")


def test_filtered_navigation_applies_search_and_article_and_ends_on_the_filtered_queue(client, moderator):
    article = ArticleFactory()
    only = CommentFactory(article=article, body="tram timetable", priority=0.9)
    CommentFactory(article=article, body="bus timetable", priority=0.5)
    CommentFactory(body="tram again elsewhere", priority=0.8)
    filters = {"article": str(article.pk), "q": "tram"}

    page = client.get(with_filters(queue_change(only), **filters))
    response = client.post(
        with_filters(queue_decide(only), **filters), {"decision": "approve", "expected_status": "pending"}
    )

    assert page.context["next_url"] is None and page.context["previous_url"] is None
    assert page.context["queue_url"] == f"{QUEUE}?{urlencode(filters)}"
    assert response.url == f"{QUEUE}?{urlencode(filters)}"  # nothing else matches the filters


def test_skip_links_on_a_filtered_page_follow_the_filtered_queue(client, moderator):
    high = flagged("you idiot", "idiot", "personal_attack", priority=0.9)
    CommentFactory(priority=0.7)
    low = flagged("you fool", "fool", "personal_attack", priority=0.5)

    page = client.get(with_filters(queue_change(low), flag="personal_attack"))

    assert page.context["previous_url"] == with_filters(queue_change(high), flag="personal_attack")
    assert page.context["next_url"] == with_filters(queue_change(high), flag="personal_attack")  # wraps


def test_unusable_preserved_filters_fall_back_to_the_whole_queue(client, moderator):
    first = CommentFactory(priority=0.9)
    second = CommentFactory(priority=0.5)

    response = client.post(
        with_filters(queue_decide(first), nonsense_field="1"), {"decision": "approve", "expected_status": "pending"}
    )

    assert response.status_code == 302
    assert response.url.startswith(queue_change(second))


def test_reject_button_records_reasons_and_note(client, moderator):
    comment = CommentFactory()

    response = client.post(
        queue_decide(comment),
        {
            "decision": "reject",
            "expected_status": "pending",
            "reasons": ["threat", "other"],
            "note": "doxxing the mayor",
        },
    )

    assert response.status_code == 302 and response.url == QUEUE  # nothing else pending
    comment.refresh_from_db()
    decision = ModerationDecision.objects.get(comment=comment)
    assert (comment.status, decision.verdict, decision.reasons, decision.note) == (
        "rejected",
        "rejected",
        ["other", "threat"],
        "doxxing the mayor",
    )


def test_button_on_the_comment_list_page_returns_to_that_comment(client, moderator):
    comment = CommentFactory(status=Comment.Status.APPROVED)

    response = client.post(
        comment_decide(comment), {"decision": "reject", "expected_status": "approved", "reasons": ["abuse"]}
    )

    assert response.url == reverse("admin:comments_comment_change", args=[comment.pk])
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.REJECTED


def test_stale_page_gets_already_decided_by_and_no_second_decision(client, moderator):
    comment = CommentFactory()
    page = client.get(queue_change(comment)).content.decode()
    assert 'name="expected_status" value="pending"' in page
    comment_approve(comment=Comment.objects.get(pk=comment.pk), moderator=ModeratorFactory(username="bob"))

    response = client.post(
        queue_decide(comment),
        {"decision": "reject", "expected_status": "pending", "reasons": ["abuse"]},
        follow=True,
    )

    assert f"Comment {comment.pk} was already approved by bob." in response.content.decode()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert ModerationDecision.objects.filter(comment=comment).count() == 1
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    "data, error",
    [
        ({"reasons": ["other"], "note": "  "}, "Explain the reason when rejecting as &#x27;other&#x27;."),
        ({"note": "bad"}, "Choose at least one guideline the comment breaks."),
        ({"reasons": ["nonsense"]}, "Select a valid choice."),
    ],
)
def test_invalid_rejection_shows_form_errors_and_writes_nothing(client, moderator, data, error):
    comment = CommentFactory(body="<b>as written</b>")

    response = client.post(queue_decide(comment), {"decision": "reject", "expected_status": "pending", **data})

    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert "&lt;b&gt;as written&lt;/b&gt;" in html and '<details class="reject-picker" id="reject" open>' in html
    assert not ModerationDecision.objects.exists()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_decide_view_accepts_only_post(client, moderator):
    comment = CommentFactory()

    assert client.get(queue_decide(comment)).status_code == 405
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def run_queue_action(client, action, comments):
    return client.post(QUEUE, {"action": action, "_selected_action": [c.pk for c in comments]}, follow=True)


def test_bulk_approve_unflagged_skips_flagged_ones(client, moderator):
    clean = CommentFactory()
    risky = flagged("you idiot", "idiot", "personal_attack")

    response = run_queue_action(client, "approve_unflagged_selected", [clean, risky])

    assert Comment.objects.get(pk=clean.pk).status == Comment.Status.APPROVED
    assert Comment.objects.get(pk=risky.pk).status == Comment.Status.PENDING
    assert list(ModerationDecision.objects.values_list("comment_id", flat=True)) == [clean.pk]
    assert "1 flagged comment(s) left for review." in response.content.decode()


def test_bulk_reject_as_category_from_the_queue(client, moderator):
    comments = CommentFactory.create_batch(2)

    run_queue_action(client, "reject_as_promotion", comments)

    assert sorted(ModerationDecision.objects.values_list("verdict", "reasons")) == [
        ("rejected", ["promotion"]),
        ("rejected", ["promotion"]),
    ]


def test_bulk_action_never_overrides_a_decision_made_meanwhile(client, moderator):
    fresh, taken = CommentFactory(), CommentFactory()
    comment_reject(comment=taken, moderator=ModeratorFactory(), reasons=["abuse"])

    response = run_queue_action(client, "approve_selected", [fresh, taken])

    assert Comment.objects.get(pk=taken.pk).status == Comment.Status.REJECTED
    assert Comment.objects.get(pk=fresh.pk).status == Comment.Status.APPROVED
    assert "1 comment(s) skipped" in response.content.decode()


def test_queue_count_stops_at_the_cap_and_says_so(client, moderator, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    monkeypatch.setattr(ReviewQueueAdmin, "list_per_page", 2)
    CommentFactory.create_batch(4)
    CommentFactory.create_batch(2, body="about the tram")

    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE)

    counts = [
        q["sql"].upper()
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and not is_badge_query(q["sql"])
    ]
    assert len(counts) == 1 and "LIMIT 4" in counts[0]
    assert '<span class="queue-count">3+</span>' in response.content.decode()
    assert "exact counts" in response.content.decode()
    assert len(listed(response)) == 2
    exact = client.get(QUEUE, {"q": "tram"}).content.decode()
    assert '<span class="queue-count">2</span>' in exact and "exact counts" not in exact


def test_select_all_beyond_the_cap_decides_nothing(client, moderator, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    comments = CommentFactory.create_batch(4)

    response = client.post(
        QUEUE, {"action": "approve_selected", "select_across": "1", "_selected_action": [comments[0].pk]}, follow=True
    )

    assert "Nothing was decided" in response.content.decode()
    assert not ModerationDecision.objects.exists()
    comment_reject(comment=comments[3], moderator=moderator, reasons=["abuse"])
    client.post(QUEUE, {"action": "approve_selected", "select_across": "1", "_selected_action": [comments[0].pk]})

    assert set(Comment.objects.filter(pk__in=[c.pk for c in comments[:3]]).values_list("status", flat=True)) == {
        "approved"
    }


def test_opening_a_pending_comment_claims_it_and_others_see_who(client, moderator, settings):
    settings.MODERATION_CLAIM_MINUTES = 3
    comment = CommentFactory()

    own_page = client.get(queue_change(comment)).content.decode()
    claim = Claim.objects.get(comment=comment)
    assert claim.moderator == moderator
    assert timedelta(minutes=2) < claim.expires_at - timezone.now() <= timedelta(minutes=3)
    assert "You are reviewing this comment" in own_page

    client.force_login(ModeratorFactory(username="bob"))
    queue_html = client.get(QUEUE).content.decode()
    page_html = client.get(queue_change(comment)).content.decode()

    assert '<span class="claim">being reviewed by alice</span>' in queue_html
    assert "Being reviewed by <strong>alice</strong>" in page_html
    assert Claim.objects.get(comment=comment).moderator == moderator  # bob's visit did not take over


def test_expired_claim_is_ignored_and_taken_over_on_open(client, moderator):
    comment = CommentFactory()
    claim_comment(comment, ModeratorFactory(username="bob"), now=timezone.now() - timedelta(minutes=10))

    queue_html = client.get(QUEUE).content.decode()
    client.get(queue_change(comment))

    assert "being reviewed by bob" not in queue_html
    assert Claim.objects.get(comment=comment).moderator == moderator


def test_claim_never_blocks_a_decision(client, moderator):
    comment = CommentFactory()
    claim_comment(comment, ModeratorFactory(username="bob"))

    client.post(queue_decide(comment), {"decision": "approve", "expected_status": "pending"})

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_deciding_releases_the_deciders_claim(client, moderator):
    comment = CommentFactory()
    client.get(queue_change(comment))

    client.post(queue_decide(comment), {"decision": "approve", "expected_status": "pending"})

    assert not Claim.objects.filter(comment=comment).exists()


def test_queue_page_of_a_decided_comment_leads_to_the_comment_page(client, moderator):
    comment = CommentFactory(status=Comment.Status.APPROVED)

    response = client.get(queue_change(comment))

    assert response.url == reverse("admin:comments_comment_change", args=[comment.pk])
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(is_staff=True),
        lambda: _staff_with_comment_view(),
    ],
)
def test_non_moderators_get_403_on_queue_urls_and_nothing_is_written(client, make_user):
    client.force_login(make_user())
    comment = CommentFactory()

    responses = [
        client.get(QUEUE),
        client.get(queue_change(comment)),
        client.post(queue_decide(comment), {"decision": "approve", "expected_status": "pending"}),
        client.post(comment_decide(comment), {"decision": "approve", "expected_status": "pending"}),
        client.post(QUEUE, {"action": "approve_selected", "_selected_action": [comment.pk]}),
        client.get(STATS),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert not Claim.objects.exists()


def _staff_with_comment_view():
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    return staff


def test_logged_in_non_staff_is_sent_to_the_admin_login(client):
    client.force_login(UserFactory())
    comment = CommentFactory()

    response = client.post(queue_decide(comment), {"decision": "approve", "expected_status": "pending"})

    assert response.status_code == 302 and reverse("admin:login") in response.url
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_queue_is_listed_on_the_admin_index_for_moderators_only(client, moderator):
    assert QUEUE in client.get(reverse("admin:index")).content.decode()
    client.force_login(_staff_with_comment_view())
    assert QUEUE not in client.get(reverse("admin:index")).content.decode()


def test_moderator_cannot_delete_from_the_queue(client, moderator):
    comment = CommentFactory()

    response = client.post(reverse("admin:moderation_reviewqueueitem_delete", args=[comment.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert "delete_selected" not in client.get(QUEUE).content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_superuser_may_delete_and_the_deletion_is_logged(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    comment = CommentFactory()
    client.get(queue_change(comment))  # claims it: the claim goes with the comment

    client.post(reverse("admin:moderation_reviewqueueitem_delete", args=[comment.pk]), {"post": "yes"})

    assert not Comment.objects.filter(pk=comment.pk).exists()
    entry = LogEntry.objects.get(object_id=str(comment.pk))
    assert (entry.action_flag, entry.user) == (DELETION, admin_user)


# --- Statistics page -----------------------------------------------------------------------

STATS = reverse("admin:moderation_stats")


def test_stats_page_shows_the_queue_the_decisions_and_the_agreement(client, moderator):
    now = timezone.now()
    flagged("I will hurt you", "hurt", "threat", submitted_at=now - timedelta(hours=2))
    CommentFactory(submitted_at=now - timedelta(minutes=5))
    bob = ModeratorFactory(username="bob")
    threats = [
        flagged(f"hurt {n}", "hurt", "threat", submitted_at=now - timedelta(minutes=10 + 20 * n)) for n in range(3)
    ]
    comment_reject(comment=threats[0], moderator=moderator, reasons=["threat"])  # waited 10 min
    comment_reject(comment=threats[1], moderator=bob, reasons=["threat"])  # waited 30 min
    comment_approve(comment=threats[2], moderator=bob)  # waited 50 min

    response = client.get(STATS)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<td class="num" id="pending-total">2</td>' in html
    assert "2 h 0 min" in html  # the oldest pending comment's age
    assert f'<a href="{QUEUE}?flag=threat">Threats</a></td><td class="num">1</td>' in html
    assert f'<a href="{QUEUE}?flag=__none__">Not flagged</a></td><td class="num">1</td>' in html
    # 30 minutes plus the moments the test itself took between submitting and deciding.
    assert 1800 <= response.context["stats"]["median_seconds_to_decision"] < 1810
    assert '<td class="num" id="median-wait">30 min ' in html
    assert (
        '<tr data-category="threat"><td>Threats</td><td class="num">3</td><td class="num">2</td>\n'
        '          <td class="num">67%</td></tr>'
    ) in html
    today = timezone.localdate().isoformat()
    assert (f'<tr><td>{today}</td><td>alice</td><td class="num">0</td><td class="num">1</td></tr>') in html
    assert (f'<tr><td>{today}</td><td>bob</td><td class="num">1</td><td class="num">1</td></tr>') in html


def test_stats_page_window_comes_from_the_days_links_and_ignores_bad_values(client, moderator):
    assert client.get(STATS, {"days": "7"}).context["days"] == 7
    assert client.get(STATS, {"days": "10000"}).context["days"] == 14
    assert client.get(STATS, {"days": "x"}).context["days"] == 14


def test_stats_page_is_linked_from_the_queue_and_the_admin_index(client, moderator):
    assert f'href="{STATS}"' in client.get(QUEUE).content.decode()
    assert f'href="{STATS}"' in client.get(reverse("admin:index")).content.decode()


def test_admin_index_hides_the_stats_link_from_other_staff(client):
    client.force_login(_staff_with_comment_view())

    assert f'href="{STATS}"' not in client.get(reverse("admin:index")).content.decode()


def test_anonymous_visitor_is_sent_to_login_from_the_stats_page(client):
    response = client.get(STATS)

    assert response.status_code == 302 and reverse("admin:login") in response.url


def test_stats_page_runs_a_constant_number_of_queries(client, moderator, django_assert_max_num_queries):
    def make(count):
        for n in range(count):
            comment = flagged(f"comment {n} is spam", "spam", "promotion")
            CommentFactory(flags="|abuse|")
            comment_reject(comment=comment, moderator=ModeratorFactory(), reasons=["promotion"])

    def queries():
        with django_assert_max_num_queries(10) as captured:
            assert client.get(STATS).status_code == 200
        return len(captured.captured_queries)

    make(2)
    few = queries()
    make(20)
    cache.delete(stats_cache_key(14))

    assert queries() == few


def test_stats_page_reuses_figures_computed_within_the_minute(client, moderator):
    CommentFactory()
    first = client.get(STATS)
    CommentFactory()

    cached = client.get(STATS)
    cache.delete(stats_cache_key(14))
    fresh = client.get(STATS)

    assert '<td class="num" id="pending-total">1</td>' in cached.content.decode()
    assert cached.context["computed_at"] == first.context["computed_at"]
    assert '<td class="num" id="pending-total">2</td>' in fresh.content.decode()
    assert "Figures as of" in fresh.content.decode()


def test_all_comments_list_count_stops_at_the_cap_too(client, moderator, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 2)
    CommentFactory.create_batch(3)

    page = client.get(CHANGELIST).content.decode()

    assert '<span class="queue-count">2+</span>' in page
    assert "narrow the list with the filters" in page


# --- Learned check models: versions, the active one, activating and rolling back ---------------------

VERSIONS = reverse("admin:moderation_checkmodelversion_changelist")
ACTIVATE_SHIPPED = reverse("admin:moderation_checkmodelversion_activate_shipped")


def version_page(stored):
    return reverse("admin:moderation_checkmodelversion_change", args=[stored.pk])


def activate_url(stored):
    return reverse("admin:moderation_checkmodelversion_activate", args=[stored.pk])


@pytest.fixture
def manager(client):
    checkmodels.clear_loaded_models()
    user = CheckModelManagerFactory(username="carol")
    client.force_login(user)
    yield user
    checkmodels.clear_loaded_models()


def test_moderators_see_versions_read_only_and_cannot_activate(client, moderator):
    stored = CheckModelVersionFactory()

    listing = client.get(VERSIONS)
    page = client.get(version_page(stored))
    refused = client.post(activate_url(stored), {"note": "try"})

    assert listing.status_code == 200 and stored.version in listing.content.decode()
    assert f'Active check model: <strong><code id="active-version">{shipped_model().version}</code>' in (
        listing.content.decode()
    )
    assert "Activate the shipped model" not in listing.content.decode()
    assert page.status_code == 200 and "Activate this version" not in page.content.decode()
    assert "activate_selected" not in listing.content.decode()
    assert refused.status_code == 403
    assert not CheckModelActivation.objects.exists()


def test_staff_without_moderation_rights_cannot_see_the_versions(client):
    client.force_login(_staff_with_comment_view())
    assert client.get(VERSIONS).status_code == 403


def test_manager_activates_a_version_from_its_page_and_rolls_back(client, manager):
    first = CheckModelVersionFactory()
    second = CheckModelVersionFactory(model=tiny_model("quuxle", "promotion"))

    page = client.get(version_page(first))
    assert "Activate this version" in page.content.decode()
    response = client.post(activate_url(first), {"note": "tuned on March"}, follow=True)
    client.post(activate_url(second))
    rolled_back = client.post(activate_url(first), {"note": "rollback"}, follow=True)

    assert response.redirect_chain[-1][0] == VERSIONS
    assert f"Activated {first.version}: every process uses it" in rolled_back.content.decode()
    assert list(CheckModelActivation.objects.order_by("id").values_list("version", "activated_by", "note")) == [
        (first.pk, manager.pk, "tuned on March"),
        (second.pk, manager.pk, ""),
        (first.pk, manager.pk, "rollback"),
    ]
    listing = client.get(VERSIONS).content.decode()
    assert f'<code id="active-version">{first.version}</code>' in listing and "activated by carol" in listing
    assert listing.count('alt="True"') == 1  # the one active marker
    assert "This is the active check model." in client.get(version_page(first)).content.decode()
    assert checkmodels.current_check_model().version == first.version


def test_activating_the_active_version_again_is_refused_with_a_message(client, manager):
    stored = CheckModelVersionFactory()
    client.post(activate_url(stored))

    response = client.post(activate_url(stored), follow=True)

    assert "is already the active check model" in response.content.decode()
    assert CheckModelActivation.objects.count() == 1


def test_manager_activates_the_selected_version_with_the_action(client, manager):
    stored = CheckModelVersionFactory()

    client.post(VERSIONS, {"action": "activate_selected", "_selected_action": [stored.pk]}, follow=True)

    assert CheckModelActivation.objects.get().version == stored


def test_manager_goes_back_to_the_shipped_model(client, manager):
    client.post(activate_url(CheckModelVersionFactory()))
    assert "Activate the shipped model" in client.get(VERSIONS).content.decode()

    client.post(ACTIVATE_SHIPPED, {"note": "back to the file"})

    latest = CheckModelActivation.objects.order_by("-id").first()
    assert (latest.version.version, latest.version.origin, latest.note) == (
        shipped_model().version,
        "shipped",
        "back to the file",
    )
    assert "Activate the shipped model" not in client.get(VERSIONS).content.decode()


def test_activation_urls_accept_only_post(client, manager):
    stored = CheckModelVersionFactory()
    assert client.get(activate_url(stored)).status_code == 405
    assert client.get(ACTIVATE_SHIPPED).status_code == 405
    assert not CheckModelActivation.objects.exists()


def test_activation_log_is_listed_read_only(client, manager):
    client.post(activate_url(CheckModelVersionFactory()), {"note": "first"})

    response = client.get(reverse("admin:moderation_checkmodelactivation_changelist"))

    assert response.status_code == 200 and "first" in response.content.decode()
    assert "Add check model activation" not in response.content.decode()


def test_stats_page_shows_agreement_per_model_version(client, moderator):
    comment_reject(
        comment=CommentFactory(flags="|threat|", checks_model_version="m-0123456789ab"),
        moderator=moderator,
        reasons=["threat"],
    )
    comment_approve(comment=CommentFactory(checks_model_version="m-0123456789ab"), moderator=moderator)

    html = client.get(STATS).content.decode()

    assert (
        '<tr data-model-version="m-0123456789ab"><td><code>m-0123456789ab</code></td><td class="num">2</td>'
        '<td class="num">1</td><td class="num">1</td><td class="num">1</td>'
    ) in html

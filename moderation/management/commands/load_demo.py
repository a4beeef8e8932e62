"""Load demo articles, comments of every guideline category and a demo moderator (idempotent)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article
from comments.models import Comment
from comments.services import comment_submit
from moderation.services import comment_approve

DEMO_USERNAME = "moderator"
DEMO_PASSWORD = "demo-moderator-2023"

ARTICLES = [
    {
        # Headline, date and source are the seed page's; the body is our own summary.
        "slug": "drones-target-us-base-in-syrias-hasaka",
        "title": "Drones target US base in Syria’s Hasaka: Monitor",
        "source": "Rudaw",
        "published_at": datetime(2023, 10, 29, 9, 0, tzinfo=UTC),
        "canonical_url": "",
        "body": (
            "A war monitor says drones launched from Iraq were flown at a base housing US troops "
            "in Hasaka province in north-east Syria on Sunday.\n\n"
            "A coalition of Iran-aligned armed factions in Iraq said it was behind the strike, the "
            "latest in a run of attacks on American positions in Iraq and Syria in recent weeks.\n\n"
            "Washington holds Tehran responsible for the groups and hit back with airstrikes in "
            "eastern Syria late last week, while saying its response was separate from the war in Gaza."
        ),
    },
    {
        "slug": "erbil-city-council-approves-new-park",
        "title": "Erbil city council approves plan for a riverside park",
        "source": "Newsroom demo",
        "published_at": datetime(2023, 11, 2, 8, 30, tzinfo=UTC),
        "body": (
            "The city council voted on Wednesday to turn a disused depot by the river into a public "
            "park with playgrounds, shaded walkways and a cycling lane.\n\n"
            "Council members said the park should open within two years and would be paid for from "
            "the city budget and a regional grant."
        ),
    },
    {
        "slug": "university-students-win-robotics-contest",
        "title": "University students win regional robotics contest",
        "source": "Newsroom demo",
        "published_at": datetime(2023, 11, 5, 14, 0, tzinfo=UTC),
        "body": (
            "A team of engineering students built a robot that sorts recycling by material and took "
            "first prize at a regional robotics contest this weekend.\n\n"
            "The team plans to test the robot at a municipal recycling centre next spring."
        ),
    },
    {
        "slug": "archive-flood-warning-2022",
        "title": "Flood warning issued for low-lying districts",
        "source": "Newsroom demo",
        "published_at": datetime(2022, 3, 14, 6, 0, tzinfo=UTC),
        "comments_open": False,
        "body": (
            "Forecasters warned of heavy rain and urged residents of low-lying districts to move "
            "valuables upstairs. Comments on this archived article are closed."
        ),
    },
]

# (article slug, name, email, body, approve?) — written for the demo, one or more per category.
COMMENTS = [
    (
        "drones-target-us-base-in-syrias-hasaka",
        "Shirin",
        "shirin@example.org",
        "Another drone attack on the base in Hasaka. How long before this escalates into a wider war in Syria?",
        True,
    ),
    (
        "drones-target-us-base-in-syrias-hasaka",
        "Daniel",
        "daniel@example.org",
        "Good reporting. It would help to know how many troops are stationed at the base.",
        True,
    ),
    (
        "drones-target-us-base-in-syrias-hasaka",
        "Karwan",
        "karwan@example.org",
        "The airstrikes in eastern Syria killed people too, which is terrible for families living near the militia sites.",
        False,
    ),
    (
        "drones-target-us-base-in-syrias-hasaka",
        "Angry reader",
        "angry@example.org",
        "This is bullshit, the whole damn thing is a mess.",
        False,
    ),
    (
        "drones-target-us-base-in-syrias-hasaka",
        "Rude",
        "rude@example.org",
        "Whoever wrote this is a total moron, you idiot.",
        False,
    ),
    (
        "drones-target-us-base-in-syrias-hasaka",
        "Anon",
        "anon@example.org",
        "I know where you live and I will find you and hurt you.",
        False,
    ),
    (
        "drones-target-us-base-in-syrias-hasaka",
        "Hater",
        "hater@example.org",
        "Immigrants are all criminals and should go back where they came from.",
        False,
    ),
    (
        "drones-target-us-base-in-syrias-hasaka",
        "Deals4U",
        "deals@example.org",
        "Earn $500 a day from home! Check out my channel and visit bit.ly/easy-cash now",
        False,
    ),
    (
        "erbil-city-council-approves-new-park",
        "Lana",
        "lana@example.org",
        "A riverside park is exactly what the city needs. I hope the cycling lane connects to the centre.",
        True,
    ),
    (
        "erbil-city-council-approves-new-park",
        "Off on a tangent",
        "tangent@example.org",
        "My favourite football team lost again yesterday and the referee made terrible calls all match "
        "long, nobody in the stadium could believe what they were seeing on the pitch.",
        False,
    ),
    (
        "university-students-win-robotics-contest",
        "Hawre",
        "hawre@example.org",
        "Congratulations to the students! Sorting recycling automatically could really help the city.",
        True,
    ),
    (
        "university-students-win-robotics-contest",
        "Crude",
        "crude@example.org",
        "Nice robot, now build one that shows some tits and ass lol",
        False,
    ),
]


class Command(BaseCommand):
    help = "Create demo articles, comments of every guideline category and a demo moderator (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        moderator = self._moderator()
        articles = {}
        for data in ARTICLES:
            fields = {k: v for k, v in data.items() if k != "slug"}
            articles[data["slug"]], _ = Article.objects.update_or_create(slug=data["slug"], defaults=fields)
        created = 0
        for slug, name, email, body, approve in COMMENTS:
            article = articles[slug]
            if Comment.objects.filter(article=article, author_name=name, body=body).exists():
                continue
            comment = comment_submit(
                article=article,
                author_name=name,
                author_email=email,
                body=body,
                ip_address="127.0.0.1",
                user_agent="load_demo",
            )
            created += 1
            if approve:
                comment_approve(comment=comment, moderator=moderator)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(articles)} articles, {created} new comments."))
        self.stdout.write(
            f"Demo moderator login: username '{DEMO_USERNAME}', password '{DEMO_PASSWORD}' (admin at /admin/)"
        )

    def _moderator(self):
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"is_staff": True})
        user.is_staff = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name="Moderators"))
        return User.objects.get(pk=user.pk)  # fresh instance: permission cache reloads

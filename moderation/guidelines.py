"""The community guidelines: the shared vocabulary of category codes.

Pure data with no model behind it, so the reader pages, the checks, the
admin and the API all name and explain the same categories the same way.
"""

from django.db import models


class Guideline(models.TextChoices):
    """A guideline category code (used by checks, rejection reasons, API and admin)."""

    PROFANITY = "profanity", "Profanity"
    VULGARITY = "vulgarity", "Vulgarity"
    THREAT = "threat", "Threats"
    PERSONAL_ATTACK = "personal_attack", "Personal attacks"
    ABUSE = "abuse", "Abuse"
    PROMOTION = "promotion", "Commercial or personal promotion"
    OFF_TOPIC = "off_topic", "Off topic"
    OTHER = "other", "Other (see note)"


class SystemReason(models.TextChoices):
    """A reason only the system gives (a decision without a moderator), never a moderator's choice."""

    BANNED = "banned", "Banned commenter"


# Every code a decision's `reasons` may hold: the guidelines, then the system's own.
REASON_CHOICES = [*Guideline.choices, *SystemReason.choices]


# What each guideline means, in the words a reader and a moderator both see.
GUIDELINE_TEXT = {
    Guideline.PROFANITY: "Swearing and obscene language, including disguised spellings.",
    Guideline.VULGARITY: "Crude sexual or bodily language.",
    Guideline.THREAT: "Threatening, wishing or inciting violence or harm against anyone.",
    Guideline.PERSONAL_ATTACK: (
        "Insulting or demeaning another commenter, the author or any named person. Criticise ideas, not people."
    ),
    Guideline.ABUSE: (
        "Attacks on people for who they are: sexism, racism, homophobia, xenophobia, "
        "or hatred based on religion, nationality or origin."
    ),
    Guideline.PROMOTION: (
        "Advertising, links to sell or promote products, services or channels, "
        "contact details, or the same message posted again and again."
    ),
    Guideline.OFF_TOPIC: "Comments unrelated to the article and its issues.",
    Guideline.OTHER: "Anything else that breaks the guidelines; the moderator explains.",
}

# The codes an automated check can report (everything but "other").
CHECK_CATEGORIES = tuple(code for code in Guideline.values if code != Guideline.OTHER)


def guideline_list() -> list[dict[str, str]]:
    """The guidelines in display order: code, label and explanation."""
    return [{"code": code.value, "label": code.label, "text": GUIDELINE_TEXT[code]} for code in Guideline]

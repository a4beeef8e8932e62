"""Plain-Python guideline checks for reader comments.

Nothing here imports Django or the project apps: the checks are pure
functions of the comment text and a ``CheckContext`` so they can be unit
tested, benchmarked and reused outside the web process.

    >>> from moderation.checks import check
    >>> check("you are an idiot").categories
    ('personal_attack',)
"""

from .engine import check
from .values import CATEGORIES, CheckContext, Finding, Report, TermList

__all__ = ["CATEGORIES", "CheckContext", "Finding", "Report", "TermList", "check"]

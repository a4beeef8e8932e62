"""Community admin: each concern registers its pages in its own module."""

from community import admin_reports, admin_sanctions, admin_trust  # noqa: F401  (registers the pages)

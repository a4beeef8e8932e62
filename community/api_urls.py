"""Community API URLs (under /api/): bans, trust, reader reports."""

from community import apis_reports, apis_sanctions, apis_trust

urlpatterns = [*apis_sanctions.urlpatterns, *apis_trust.urlpatterns, *apis_reports.urlpatterns]

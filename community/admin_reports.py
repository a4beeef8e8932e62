"""Admin for reader reports and the Reported queue (filled in by the reports work)."""

from django.apps import AppConfig


class CeilingConfig(AppConfig):
    """Benchmark-only app: the one-row insert endpoint."""

    name = "benchmarks.ceiling_app"
    label = "bench_ceiling"
    default_auto_field = "django.db.models.BigAutoField"

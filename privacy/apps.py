from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data: erasure on request, retention of connection data, access exports."""

    name = "privacy"

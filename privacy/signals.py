"""Signals of the privacy services, sent after the transaction commits."""

from django.dispatch import Signal

# sender=PersonalDataErasure, erasure=<the completed row>: a commenter's personal data was erased.
personal_data_erased = Signal()

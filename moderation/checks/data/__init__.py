"""Data tables of the guideline checks generated from maintained packages.

``lookalikes`` (letters that imitate Latin letters, from Unicode's
confusables data) and ``tlds`` (ICANN top-level domains, from the Public
Suffix List) are written by ``python -m moderation.checks.data.generate``
and committed, so importing the checks reads no package data and needs
neither source package at run time; a test fails when the committed tables
differ from what the installed (pinned) packages give.
"""

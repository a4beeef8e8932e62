"""Request body parsers for the API."""
from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing input nested past Python's recursion limit as malformed (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError:
            # json.loads recurses once per bracket: ~1,000 nested brackets (2 KB) would
            # otherwise escape as a RecursionError, a 500 with a full traceback.
            raise ParseError("JSON parse error - the document is nested too deeply") from None

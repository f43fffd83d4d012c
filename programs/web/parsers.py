"""The API's JSON parser: DRF's, with the checks of programs/web/inputs.py: a hostile body is a 400, never a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from programs.web.inputs import json_problem


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # the C decoder's own guard on very deep nesting
            raise ParseError(_("The JSON body is nested too deeply.")) from exc
        problem = json_problem(data)
        if problem is not None:
            raise ParseError(_("The JSON body cannot be accepted: %(problem)s.") % {"problem": problem})
        return data

"""Input from outside is checked once, for the classes of value that no field wants, before any view sees it:
control characters (NUL among them) and lone surrogates in text, ids too long for the database, JSON nested too
deep or holding numbers no field takes. The middleware applies it to the path, the query and form fields; the
API's JSON parser (programs/web/parsers.py) to every string, number and level of a JSON body; `parse_id` to any id
a view reads from a form or a query."""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1  # the database's bigint
MAX_JSON_DEPTH = 32
# Text may hold tabs and line breaks (a note, a reason); no other control character, and no lone surrogate (it
# cannot be stored as UTF-8). A path or a query value that is one line may hold none at all.
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_BAD_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_ID = re.compile(r"[0-9]{1,19}")


def text_ok(value: str) -> bool:
    return _BAD_TEXT.search(value) is None


def line_ok(value: str) -> bool:
    return _BAD_LINE.search(value) is None


def line_clean(value: str) -> str:
    """A header as the app may log or store it (django-axes keeps the user agent): without control characters."""
    return _BAD_LINE.sub("", value)


def parse_id(raw: object, *, minimum: int = 1) -> int | None:
    """A database id (1 to 2^63 - 1; a version may start at 0) from a form, a query or JSON; None for anything
    else ("abc", "", 5,000 digits)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and _ID.fullmatch(raw.strip()):
        raw = int(raw.strip())
    if isinstance(raw, int) and minimum <= raw <= MAX_ID:
        return raw
    return None


def json_problem(data: object) -> str | None:
    """What is wrong with a parsed JSON document, or None: walked without recursion, so any depth is safe."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return _("it is nested deeper than %(n)s levels") % {"n": MAX_JSON_DEPTH}
        if isinstance(value, dict):
            for key, item in value.items():
                if not text_ok(key):
                    return _("a key holds a control character")
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and not text_ok(value):
            return _("a text value holds a control character (such as NUL) or a lone surrogate")
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
            return _("a number is larger than any field takes")
        elif isinstance(value, float) and not math.isfinite(value):
            return _("a number is not finite")
    return None


def csv_text(data: bytes) -> str:
    """An uploaded CSV as text: UTF-8 (with or without Excel's byte-order mark), else GB18030, which is what Excel
    saves on Chinese Windows (a superset of GBK). UnicodeDecodeError when it is neither."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")

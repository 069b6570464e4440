"""Untrusted text and JSON that the database can store. PostgreSQL refuses NUL (U+0000) in text and
jsonb, and no UTF-8 encoder accepts a lone surrogate (U+D800–U+DFFF, e.g. "\\ud83d" from a client
that cut an emoji in half); json.loads turns deep nesting ("[[[[…") into a RecursionError. Each of
these used to surface as a 500. Two policies, one place:

- structured input (API JSON bodies, answers) is refused with a clear 400: a client that sends NUL
  in an answer is broken, and silently altering an answer that is then graded would be unfair;
- free text people type (essays, judges' comments) is cleaned: an invisible NUL or half an emoji
  must not cost a student their essay autosave, and what is stored is what they see."""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext_lazy as _

from .errors import AppError

MAX_DEPTH = 32  # far beyond any payload we accept; deeper is refused before anything walks it
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InvalidJson(AppError):
    code, status, default_message = "invalid_json", 400, _("请求体不是有效的 JSON。")


class InvalidCharacters(AppError):
    code, status, default_message = (
        "invalid_characters",
        400,
        _("请求包含不允许的字符（如 NUL 或不完整的 Unicode 代理字符）。"),
    )


def has_unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def clean_text(text: str) -> str:
    """Free text as the database can store it: NUL removed, lone surrogates shown as U+FFFD."""
    if not _UNSTORABLE.search(text):
        return text
    text = text.replace("\x00", "")
    # re-pair any valid surrogate pairs, replace the lone ones
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def check_json_value(value, *, allow_unstorable: bool = False) -> None:
    """Refuse nesting deeper than MAX_DEPTH and (unless allowed) NUL or lone surrogates in any string
    or key. Iterative, so the check itself cannot recurse too deep."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not allow_unstorable and has_unstorable(item):
                raise InvalidCharacters()
        elif isinstance(item, (list, dict)):
            if depth > MAX_DEPTH:
                raise InvalidJson(_("请求体嵌套过深。"))
            if isinstance(item, dict):
                stack.extend((k, depth) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)


def loads_json(raw: bytes | str, *, allow_unstorable: bool = False):
    """json.loads for untrusted bodies: every failure is an InvalidJson / InvalidCharacters (400)."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidJson() from exc
    check_json_value(value, allow_unstorable=allow_unstorable)
    return value

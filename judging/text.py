"""Essay text: sanitising with nh3 and counting length the way Chinese essay contests do (字数)."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "h3", "h4"}
_TAG = re.compile(r"<[^>]*>")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_WORD = re.compile(r"[A-Za-z0-9]+")


def sanitise_html(text: str) -> str:
    """HTML safe to show a judge: pasted markup keeps only harmless formatting tags, plain text keeps its
    line breaks. No attributes, no links, no scripts, no styles."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not _TAG.search(text):
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes={}, link_rel=None, strip_comments=True)


def plain_text(text: str) -> str:
    return html.unescape(_TAG.sub(" ", text or ""))


def char_count(text: str) -> int:
    """字数: every Chinese character counts 1, every run of Latin letters/digits counts 1 (a word or
    number); punctuation and whitespace are not counted."""
    plain = plain_text(text)
    return len(_CJK.findall(plain)) + len(_WORD.findall(plain))

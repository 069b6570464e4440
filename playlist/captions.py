"""WebVTT captions, parsed strictly and written back from what was understood.

Nothing of the upload reaches a viewer as sent: cue identifiers are renumbered, NOTE / STYLE / REGION
blocks are dropped, cue settings are kept only when they match the allow-list, and cue text loses every
tag (<c>, <v>, <ruby>, class names…) and comes out as escaped plain text. Bad input gets a Chinese message
naming the line."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import MediaRejected

MAX_BYTES = 256 * 1024
MAX_CUES = 3000
MAX_CUE_CHARS = 300
MAX_LINES_PER_CUE = 4

_TIMESTAMP = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_TIMING = re.compile(r"^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$")
_SETTING = re.compile(
    r"^(?:vertical:(?:rl|lr)|line:-?\d{1,3}(?:\.\d+)?%?(?:,(?:start|center|end))?"
    r"|position:\d{1,3}(?:\.\d+)?%(?:,(?:line-left|center|line-right))?"
    r"|size:\d{1,3}(?:\.\d+)?%|align:(?:start|center|end|left|right))$"
)
_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    settings: str
    text: str


def _reject(message: str) -> MediaRejected:
    return MediaRejected(message, code="captions_invalid")


def _timestamp(value: str, line: int) -> int:
    match = _TIMESTAMP.match(value)
    if not match:
        raise _reject(_("字幕第 %(line)d 行的时间格式不正确（应为 00:01.000 或 00:00:01.000）。") % {"line": line})
    hours, minutes, seconds, millis = match.groups()
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def format_timestamp(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _plain_text(lines: list[str], line_no: int) -> str:
    text = "\n".join(html.unescape(_TAG.sub("", ln)).strip() for ln in lines)
    text = _CONTROL.sub("", text).strip()
    if len(text) > MAX_CUE_CHARS:
        raise _reject(
            _("字幕第 %(line)d 行起的一条字幕过长（超过 %(n)d 字）。") % {"line": line_no, "n": MAX_CUE_CHARS}
        )
    # WebVTT cue text is markup: escape what would be read as a tag or an entity
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _blocks(text: str):
    """(first line number, lines) of each block separated by blank lines."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip() == "":
            if block:
                yield start, block
                block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, block


def parse_vtt(data: bytes) -> list[Cue]:
    if len(data) > MAX_BYTES:
        raise _reject(_("字幕文件过大（超过 %(kb)d KB）。") % {"kb": MAX_BYTES // 1024})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _reject(_("字幕文件必须是 UTF-8 编码的 WebVTT 文件。")) from exc
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise _reject(_("字幕文件必须是 UTF-8 编码的 WebVTT 文件。"))
    first = text.split("\n", 1)[0]
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise _reject(_("不是 WebVTT 字幕文件：第一行必须是 WEBVTT。"))
    cues: list[Cue] = []
    blocks = _blocks(text)
    next(blocks)  # the header block (WEBVTT and any header lines)
    for line_no, lines in blocks:
        head = lines[0]
        if head == "NOTE" or head.startswith(("NOTE ", "NOTE\t")) or head in ("STYLE", "REGION"):
            continue
        timing_index = 0 if "-->" in head else 1
        if timing_index >= len(lines) or "-->" not in lines[timing_index]:
            raise _reject(_("字幕第 %(line)d 行缺少时间轴（开始 --> 结束）。") % {"line": line_no})
        timing_line = line_no + timing_index
        match = _TIMING.match(lines[timing_index].strip())
        if not match:
            raise _reject(_("字幕第 %(line)d 行的时间轴格式不正确。") % {"line": timing_line})
        start = _timestamp(match.group(1), timing_line)
        end = _timestamp(match.group(2), timing_line)
        if end <= start:
            raise _reject(_("字幕第 %(line)d 行的结束时间必须晚于开始时间。") % {"line": timing_line})
        settings = " ".join(s for s in (match.group(3) or "").split() if _SETTING.match(s))
        payload = lines[timing_index + 1 :]
        if any("-->" in ln for ln in payload):
            raise _reject(_("字幕第 %(line)d 行附近缺少空行分隔。") % {"line": timing_line})
        if len(payload) > MAX_LINES_PER_CUE:
            raise _reject(
                _("字幕第 %(line)d 行起的一条字幕行数过多（最多 %(n)d 行）。")
                % {"line": timing_line, "n": MAX_LINES_PER_CUE}
            )
        body = _plain_text(payload, timing_line + 1)
        if not body:
            continue
        cues.append(Cue(start, end, settings, body))
        if len(cues) > MAX_CUES:
            raise _reject(_("字幕条数过多（超过 %(n)d 条）。") % {"n": MAX_CUES})
    if not cues:
        raise _reject(_("字幕文件中没有任何字幕。"))
    cues.sort(key=lambda c: (c.start_ms, c.end_ms))
    return cues


def render_vtt(cues: list[Cue]) -> str:
    out = ["WEBVTT", ""]
    for number, cue in enumerate(cues, start=1):
        timing = f"{format_timestamp(cue.start_ms)} --> {format_timestamp(cue.end_ms)}"
        out += [str(number), f"{timing} {cue.settings}".rstrip(), cue.text, ""]
    return "\n".join(out)


def clean_vtt(data: bytes) -> bytes:
    """Validate an uploaded caption file and return the normalised file to store."""
    return render_vtt(parse_vtt(data)).encode("utf-8")

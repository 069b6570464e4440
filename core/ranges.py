"""Serving a stored file that players seek in: HTTP Range (RFC 9110 §14) after the caller's permission check.

In production (settings.MEDIA_ACCEL_REDIRECT set) Django only answers with `X-Accel-Redirect` and nginx
serves the bytes, ranges and conditional requests itself from an `internal` location. In development the
same view answers ranges here: 206 with Content-Range, multipart/byteranges for several ranges, 416 with
`bytes */size` when nothing is satisfiable, and a plain 200 when the Range header is malformed, asks for
too many pieces, or If-Range no longer matches (a server may always ignore Range)."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

CHUNK = 64 * 1024
MAX_RANGES = 8
_SPEC = re.compile(r"^(\d*)-(\d*)$")

Span = tuple[int, int]  # first and last byte, inclusive


class Unsatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> list[Span] | None:
    """The byte spans a Range header asks for, sorted and coalesced; None when the header is to be
    ignored (absent, another unit, malformed, too many pieces). Raises Unsatisfiable when it is valid
    but no span lies within the file."""
    if not header:
        return None
    unit, sep, specs = header.partition("=")
    if not sep or unit.lower() != "bytes":  # the unit is case-insensitive (RFC 9110 §14.1)
        return None
    parts = [p.strip() for p in specs.split(",")]
    if not parts or len(parts) > MAX_RANGES or any(not p for p in parts):
        return None
    spans: list[Span] = []
    for part in parts:
        match = _SPEC.match(part)
        if not match or match.group(0) == "-":
            return None
        first, last = match.groups()
        if first:
            start = int(first)
            end = int(last) if last else size - 1
            if last and end < start:
                return None  # syntactically invalid: the whole header is ignored
            if start >= size:
                continue
            spans.append((start, min(end, size - 1)))
        else:
            suffix = int(last)
            if suffix == 0 or size == 0:
                continue
            spans.append((max(size - suffix, 0), size - 1))
    if not spans:
        raise Unsatisfiable
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        prev_start, prev_end = merged[-1]
        if start <= prev_end + 1:  # overlapping or adjacent: one piece
            merged[-1] = (prev_start, max(prev_end, end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class FileMeta:
    path: str
    size: int
    mtime: int

    @property
    def etag(self) -> str:
        # strong: the stored file is never rewritten in place (a new version is a new file)
        return f'"{self.mtime:x}-{self.size:x}"'


def file_meta(path: str) -> FileMeta:
    st = os.stat(path)
    return FileMeta(path=path, size=st.st_size, mtime=int(st.st_mtime))


def _if_range_matches(request, meta: FileMeta) -> bool:
    value = request.META.get("HTTP_IF_RANGE")
    if not value:
        return True
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == meta.etag  # strong comparison; a weak validator never matches
    return parse_http_date_safe(value) == meta.mtime


def _plan(spans: list[Span], pieces: list[tuple[bytes, bytes]] | None):
    """The body as literal bytes (multipart heads and tail) and (offset, length) reads of the file."""
    for index, (start, end) in enumerate(spans):
        if pieces:
            yield pieces[index][0]
        yield (start, end - start + 1)
    if pieces:
        yield pieces[-1][1]


def _read(path: str, spans: list[Span], pieces=None):
    with open(path, "rb") as fh:
        for step in _plan(spans, pieces):
            if isinstance(step, bytes):
                yield step
                continue
            offset, remaining = step
            fh.seek(offset)
            while remaining > 0 and (chunk := fh.read(min(CHUNK, remaining))):
                remaining -= len(chunk)
                yield chunk


async def _aread(path: str, spans: list[Span], pieces=None):
    """Under daphne: Django would otherwise read a sync iterator into memory whole before sending it."""
    fh = await sync_to_async(open, thread_sensitive=False)(path, "rb")
    try:
        for step in _plan(spans, pieces):
            if isinstance(step, bytes):
                yield step
                continue
            offset, remaining = step
            fh.seek(offset)
            while remaining > 0:
                chunk = await sync_to_async(fh.read, thread_sensitive=False)(min(CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
    finally:
        fh.close()


def _common(response, meta: FileMeta, cache_control: str):
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = meta.etag
    response["Last-Modified"] = http_date(meta.mtime)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _body(request, path: str, spans: list[Span], pieces=None):
    if request.method == "HEAD":
        return HttpResponse(b"")
    reader = _aread if isinstance(request, ASGIRequest) else _read
    return StreamingHttpResponse(reader(path, spans, pieces))


def ranged_file_response(request, path: str, content_type: str, *, cache_control: str = "private, no-cache"):
    """Answer GET/HEAD for the file at `path` (already permitted) with Range and conditional support."""
    try:
        meta = file_meta(path)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise Http404 from exc  # the row outlived its file: nothing to play, not a server error
    conditional = get_conditional_response(request, etag=meta.etag, last_modified=meta.mtime)
    if conditional is not None:
        return _common(conditional, meta, cache_control)
    try:
        spans = parse_range(request.META.get("HTTP_RANGE"), meta.size) if _if_range_matches(request, meta) else None
    except Unsatisfiable:
        response = HttpResponse(b"", status=416)
        response["Content-Range"] = f"bytes */{meta.size}"
        response["Content-Length"] = "0"
        return _common(response, meta, cache_control)
    if spans is None:
        response = _body(request, path, [(0, meta.size - 1)] if meta.size else [])
        response["Content-Length"] = str(meta.size)
        response["Content-Type"] = content_type
        return _common(response, meta, cache_control)
    if len(spans) == 1:
        start, end = spans[0]
        response = _body(request, path, spans)
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{meta.size}"
        response["Content-Length"] = str(end - start + 1)
        response["Content-Type"] = content_type
        return _common(response, meta, cache_control)
    boundary = secrets.token_hex(12)
    heads = [
        f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Range: bytes {s}-{e}/{meta.size}\r\n\r\n".encode()
        for s, e in spans
    ]
    tail = f"\r\n--{boundary}--\r\n".encode()
    pieces = [(head, tail) for head in heads]
    length = sum(len(h) for h in heads) + sum(e - s + 1 for s, e in spans) + len(tail)
    response = _body(request, path, spans, pieces)
    response.status_code = 206
    response["Content-Type"] = f"multipart/byteranges; boundary={boundary}"
    response["Content-Length"] = str(length)
    return _common(response, meta, cache_control)


def accel_redirect_response(name: str, content_type: str, *, cache_control: str = "private, no-cache"):
    """Production: hand the stored file `name` (relative to MEDIA_ROOT) to nginx's internal location."""
    prefix = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/"
    response = HttpResponse(b"")
    # nginx decodes the URI it is given: quoting keeps '%', '?' and spaces in stored names intact
    response["X-Accel-Redirect"] = prefix + quote(name.lstrip("/"))
    response["Content-Type"] = content_type
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_stored_file(request, field_file, content_type: str, **kw):
    """The one entry point views use: nginx in production, ranges here in development."""
    if getattr(settings, "MEDIA_ACCEL_REDIRECT", ""):
        return accel_redirect_response(field_file.name, content_type, **kw)
    return ranged_file_response(request, field_file.path, content_type, **kw)

"""Daphne's HTTP requests without Twisted's form parsing or Twisted's own access log.

Twisted's `Request.requestReceived` parses the body of every POST whose Content-Type is a form
(urlencoded or multipart) into `request.args`, and parses every POST's Content-Type header through the
`email` package first. Daphne never reads `request.args`: it hands the raw body to the ASGI app, and
Django parses forms itself. So that work is wasted on every POST — about a fifth of the server's CPU
under a vote burst (py-spy) — and on a multipart upload (a judged video, an import workbook) it parses
the whole body with the `email` parser inside the reactor thread, stalling every socket of the process.

`skip_form_parsing()` turns Twisted's `parsePOSTFormSubmission` off for daphne's requests. It is applied
once per process by the ASGI module (quizsite/asgi.py, and the bench's bare baseline so the comparison
stays like for like). Under another server, or a Twisted without the attribute, it changes nothing.

`skip_twisted_request_log()` stops Twisted's HTTPFactory from formatting a combined-log line for every
request and publishing it to the `daphne.server` logger, where the root level (WARNING in production)
drops it: about 2% of the server's CPU under a vote burst, for a line nobody reads. Access logs come
from nginx (deploy/nginx.conf); daphne's own access log stays available through `--access-log`.
Applied where skip_form_parsing is.

`tune_server_process()` is what the ASGI module (and the bench's bare baseline, so ratios stay like for
like) calls once everything is imported: both of the above, then the startup objects frozen out of the
collector. They live as long as the process; a full collection walked all ~150,000 of them, stalling
the event loop (142 ms measured) and every request in flight with it — the vote burst's p99 went from
240–265 ms to ~150 ms (bench/votes.py)."""

from __future__ import annotations

import functools
import gc
import logging

log = logging.getLogger(__name__)
_APPLIED = "_quizsite_skips_form_parsing"


def skip_form_parsing() -> bool:
    """True when daphne's requests now skip Twisted's form parsing (idempotent)."""
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:  # not running under daphne
        return False
    if getattr(WebRequest, _APPLIED, False):
        return True
    original_init = WebRequest.__init__

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if hasattr(self, "_parsePOSTFormSubmission"):
            self._parsePOSTFormSubmission = False

    WebRequest.__init__ = init
    setattr(WebRequest, _APPLIED, True)
    return True


_LOG_SKIPPED = "_quizsite_skips_request_log"


def skip_twisted_request_log() -> bool:
    """True when daphne's HTTP factory no longer writes Twisted's per-request log line (idempotent)."""
    try:
        from daphne.http_protocol import HTTPFactory
    except ImportError:  # not running under daphne
        return False
    if not getattr(HTTPFactory, _LOG_SKIPPED, False):
        HTTPFactory.log = lambda self, request: None
        setattr(HTTPFactory, _LOG_SKIPPED, True)
    return True


def tune_server_process() -> None:
    """Call last in the ASGI module, once everything it needs is imported."""
    skip_form_parsing()
    skip_twisted_request_log()
    gc.collect()
    gc.freeze()

"""The lean answer path refuses the same bad bodies as the API, with the same codes: NUL and lone
surrogates (PostgreSQL cannot store them), deep nesting (json's RecursionError), oversized bodies (413)."""

import pytest
from asgiref.sync import sync_to_async

from competitions.fastpath import MAX_BODY, AnswerFastPath
from competitions.models import AttemptItem

from .test_fastpath import _close_thread_connections, inner_app, put, setup  # noqa: F401 - fixtures

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b'{"answer": ["\\u0000", "x"]}', 400, "invalid_characters"),
        (b'{"answer": ["\\udc00", "x"]}', 400, "invalid_characters"),
        (b"[" * 60_000, 400, "invalid_json"),
        (b'{"answer": ["' + b"x" * (MAX_BODY + 10) + b'", "y"]}', 413, "payload_too_large"),
    ],
    ids=["nul", "lone-surrogate", "deep-nesting", "oversized"],
)
async def test_fast_path_refuses_bad_bodies_like_the_api(setup, raw, status, code):  # noqa: F811
    app = AnswerFastPath(inner_app)
    a, revs = setup["attempt"], setup["revs"]
    try:
        got_status, body = await put(app, f"/api/v1/attempts/{a.pk}/answers/{revs[1].pk}", raw, setup["token"])
        assert (got_status, body["code"]) == (status, code)
        assert body["message"]
    finally:
        await app.close()
    assert await sync_to_async(lambda: AttemptItem.objects.get(attempt=a, revision=revs[1]).answer)() is None

"""The lean answer path honours token revocation at once, even with the token → user lookup cached:
a revoked token saves nothing and gets 401."""

import pytest
from asgiref.sync import sync_to_async

from accounts.models import User
from accounts.tokens import token_revoke
from competitions.fastpath import AnswerFastPath
from competitions.models import AttemptItem

from .test_fastpath import _close_thread_connections, inner_app, put, setup  # noqa: F401 - fixtures

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _change_password(user_id):
    user = User.objects.get(pk=user_id)
    user.set_password("Another-Secret-2026")
    user.save()


def _deactivate(user_id):
    user = User.objects.get(pk=user_id)
    user.is_active = False
    user.save()


@pytest.mark.parametrize(
    "revoke",
    [
        pytest.param(lambda s: _change_password(s["tree"].student_a.pk), id="password-change"),
        pytest.param(lambda s: _deactivate(s["tree"].student_a.pk), id="deactivation"),
        pytest.param(lambda s: token_revoke(s["token"]), id="logout"),
    ],
)
async def test_revoked_token_saves_nothing_even_with_a_warm_cache(setup, revoke):  # noqa: F811
    app = AnswerFastPath(inner_app)
    a, revs, token = setup["attempt"], setup["revs"], setup["token"]
    url = f"/api/v1/attempts/{a.pk}/answers/{revs[0].pk}"
    try:
        assert (await put(app, url, {"answer": ["A"]}, token))[0] == 200  # token now cached in-process
        await sync_to_async(revoke)(setup)
        status, body = await put(app, url, {"answer": ["B"]}, token)
        assert (status, body["code"]) == (401, "unauthorized")
    finally:
        await app.close()
    assert await sync_to_async(lambda: AttemptItem.objects.get(attempt=a, revision=revs[0]).answer)() == ["A"]

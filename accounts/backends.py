"""Password sign-in that a contest morning's login burst cannot turn against everyone else.

A password check was ~0.35 s of one core with Django's PBKDF2 (1,000,000 rounds); it is ~35 ms with the
Argon2id hasher (accounts/hashers.py), plus as much again when an older hash is re-hashed at sign-in. That
is still the largest piece of CPU in a student's morning. Django's ModelBackend runs it on the request's thread while that thread holds
a database connection from the pool; hundreds of students signing in at the bell then held every
connection, so pages and answer saves of students already signed in got 503s, and the CPU was shared
among all the hashes at once, so every login finished late together.

Here the hash runs on a few low-priority threads per process, without a database connection:
- logins queue first come, first served and each finishes in about its own hash time once started;
- the work of students already signed in keeps its normal priority, and its connections;
- the connection is given back to the pool before the wait and taken again for the upgrade's write;
- past MAX_QUEUED_CHECKS a sign-in is told at once to retry (503), not left waiting for minutes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password, verify_password
from django.core.exceptions import PermissionDenied
from django.db import connections

from core.errors import ServerBusy

HASH_THREADS = 2
# Checks waiting or running per process beyond which a sign-in is answered "busy, retry" (503 with
# Retry-After) at once: ~15 s of Argon2id hashing on two threads when pages leave them half the core.
# Past it, a phone would be left waiting longer than a proxy's timeout for a check it stopped waiting for.
MAX_QUEUED_CHECKS = 400
# nice +10: a hash yields the core to page and answer work of the same process (Linux applies a nice
# value to one thread; elsewhere it would apply to the whole process, so it is skipped there)
HASH_NICENESS = 10

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_queued = 0


def _lower_this_threads_priority():
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):  # a sandbox may forbid it: the hash then runs at normal priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICENESS)


def _hash_pool() -> ThreadPoolExecutor:
    global _executor  # noqa: PLW0603 - one pool per process, created on first use
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                HASH_THREADS, thread_name_prefix="password-hash", initializer=_lower_this_threads_priority
            )
        return _executor


def _hash(fn, *args):
    """fn(*args) on the hash threads, once there is room in the queue; ServerBusy when there is not."""
    global _queued  # noqa: PLW0603 - the process's queue length, guarded by the lock
    with _executor_lock:
        if _queued >= MAX_QUEUED_CHECKS:
            raise ServerBusy()
        _queued += 1
    try:
        return _hash_pool().submit(fn, *args).result()
    finally:
        with _executor_lock:
            _queued -= 1


def _verify(raw: str, encoded: str) -> tuple[bool, str | None]:
    """(matches, the upgraded hash to store or None). Pure CPU: no database on the hash threads."""
    is_correct, must_update = verify_password(raw, encoded)
    return is_correct, make_password(raw) if is_correct and must_update else None


def _release_connection(alias: str):
    """Give a pooled connection back while this thread only waits. Outside a transaction only: closing
    inside one would break it."""
    connection = connections[alias]
    pooled = bool((connection.settings_dict.get("OPTIONS") or {}).get("pool"))
    if pooled and not connection.in_atomic_block:
        connection.close()


class PasswordBackend(ModelBackend):
    """ModelBackend's sign-in with the hash off the request thread (see the module's docstring). The
    answers are ModelBackend's: the same users let in, the same hash upgrade, the same time spent on an
    unknown username. A refusal ends the sign-in (PermissionDenied), so ModelBackend, listed after this
    only to keep sessions begun through it valid, never hashes the same password again."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        manager = user_model._default_manager
        try:
            user = manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            _release_connection(manager.db)
            _hash(make_password, password)  # as long as a real check
            raise PermissionDenied from None
        _release_connection(manager.db)
        is_correct, upgraded = _hash(_verify, password, user.password)
        if not is_correct or not self.user_can_authenticate(user):
            raise PermissionDenied
        if upgraded is not None:
            user.password = upgraded
            user.save(update_fields=["password"])
        return user

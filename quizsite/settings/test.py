"""Test settings: fast hashing, tasks run inline unless a test asks otherwise."""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    # the real queue + worker path, for tests that exercise db_worker
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 3
ALLOWED_HOSTS = ["*"]

# A file, not :memory:, so a daphne subprocess started by browser tests sees the same test database.
# The pid keeps parallel runs on one machine apart.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"quizsite-test-{os.getpid()}.sqlite3")}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

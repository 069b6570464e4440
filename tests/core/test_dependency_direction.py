"""Apps never import the project layer back: each app's API router imports on its own, first."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

ROUTERS = ["accounts.api", "competitions.api", "judging.api", "results.api", "reading.api"]


@pytest.mark.parametrize("module", ROUTERS)
def test_app_router_imports_without_the_project_api_loaded_first(module):
    code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'quizsite.settings.test'; django.setup(); "
        f"import {module}; "
        "assert 'quizsite.api' not in sys.modules, 'app imported the project layer'"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]

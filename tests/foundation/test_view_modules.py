"""One view-module convention (README, architecture): an app's pages live in `views.py`, or once split in
a `views/` package with one module per audience; never `views_*.py` beside them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = [p.parent for p in ROOT.glob("*/apps.py")]


def test_the_project_has_apps_to_check():
    assert {"honours", "playlist", "results", "stage"} <= {a.name for a in APPS}


def test_no_app_keeps_views_modules_beside_its_views():
    stray = sorted(str(p.relative_to(ROOT)) for app in APPS for p in app.glob("views_*.py"))
    assert stray == []


def test_no_app_has_both_a_views_module_and_a_views_package():
    both = sorted(a.name for a in APPS if (a / "views.py").exists() and (a / "views").is_dir())
    assert both == []

"""Every model of ours has an admin page (issue: "Django admin registered for every model")."""

from django.apps import apps
from django.contrib import admin

OUR_APPS = {
    "accounts",
    "questionbank",
    "competitions",
    "judging",
    "results",
    "leaderboards",
    "honours",
    "reading",
    "playlist",
}


def test_every_project_model_is_in_the_admin_directly_or_as_an_inline():
    inline_models = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in OUR_APPS and m not in admin.site._registry and m not in inline_models
    ]
    assert missing == []


def test_every_admin_changelist_opens_for_a_superuser(admin_client, db):
    from django.urls import reverse

    broken = []
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        if admin_client.get(url).status_code != 200:
            broken.append(url)
    assert broken == []

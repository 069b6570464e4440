"""Who a certificate template should certify, per kind of contest.

The two contest apps are developed separately; this module is the only place in `results` that
knows their models, and it imports them lazily so a missing app degrades to "no contests"."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from .models import CertificateKind, CertificateTemplate

KNOWLEDGE_CONTEST = "competitions.contest"
SUBMISSION_CONTEST = "judging.submissioncontest"
STAGE_EVENT = "stage.stageevent"
CONTEST_MODELS = (KNOWLEDGE_CONTEST, SUBMISSION_CONTEST, STAGE_EVENT)


def contest_model(label: str) -> type[models.Model] | None:
    app_label, model_name = label.split(".")
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def contest_label(contest: models.Model) -> str:
    return f"{contest._meta.app_label}.{contest._meta.model_name}"


def eligible_for_template(template: CertificateTemplate) -> list:
    contest = template.contest
    if contest is None:
        return []
    label = contest_label(contest)
    if label == KNOWLEDGE_CONTEST:
        from .sources_knowledge import eligible_knowledge

        return eligible_knowledge(template, contest)
    if label == SUBMISSION_CONTEST:
        from .sources_submission import eligible_submission

        return eligible_submission(template, contest)
    if label == STAGE_EVENT:
        from .sources_stage import eligible_stage

        return eligible_stage(template, contest)
    return []


def default_kinds(contest: models.Model) -> list[str]:
    if contest_label(contest) == SUBMISSION_CONTEST:
        return [CertificateKind.AWARD]
    return [CertificateKind.AWARD, CertificateKind.PARTICIPATION]

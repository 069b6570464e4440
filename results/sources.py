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


def check_can_generate(template: CertificateTemplate, *, now=None) -> None:
    """Refuse generation up front (before anything is queued) while the contest is still running, or
    before an essay contest's awards are published. The workers check again (sources_*)."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from .errors import CertificateError

    contest = template.contest
    if contest is None:
        return
    now = now or timezone.now()
    if now < contest.closes_at:
        raise CertificateError(
            _("竞赛仍在进行中（%(t)s 截止），结束后才能生成证书。")
            % {"t": date_format(timezone.localtime(contest.closes_at), "Y-m-d H:i")}
        )
    if (
        contest_label(contest) == SUBMISSION_CONTEST
        and template.kind == CertificateKind.AWARD
        and not contest.awards_published_at
    ):
        raise CertificateError(_("奖项尚未公布，公布后才能生成获奖证书。"))


def default_kinds(contest: models.Model) -> list[str]:
    if contest_label(contest) == SUBMISSION_CONTEST:
        return [CertificateKind.AWARD]
    return [CertificateKind.AWARD, CertificateKind.PARTICIPATION]

"""Certificate eligibility for timed knowledge contests (competitions app)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from competitions.ranking import DB_ORDERING
from competitions.selectors import counted_attempts

from .errors import CertificateError
from .issuing import Eligible
from .models import CertificateKind, CertificateTemplate


def eligible_knowledge(template: CertificateTemplate, contest) -> list[Eligible]:
    """Award certificates go to the top `top_n` of the one ranking key (competitions.ranking);
    participation certificates to every student whose counted attempt reached `min_score`."""
    if timezone.now() < contest.closes_at:
        raise CertificateError(_("竞赛尚未结束，结束后才能生成证书。"))
    attempts = counted_attempts(contest)
    if template.kind == CertificateKind.AWARD:
        if not template.top_n:
            raise CertificateError(_("请先在证书模板中填写“获奖名次”（前 N 名）。"))
        rows = attempts.order_by(*DB_ORDERING).values_list("user_id", "score")[: template.top_n]
        return [
            Eligible(holder_id=user_id, award_text=_("第 %(rank)d 名") % {"rank": rank}, score=score, rank=rank)
            for rank, (user_id, score) in enumerate(rows, start=1)
        ]
    if template.min_score is not None:
        attempts = attempts.filter(score__gte=template.min_score)
    award = _("成绩合格") if template.min_score is not None else _("完成竞赛")
    return [
        Eligible(holder_id=user_id, award_text=award, score=score)
        for user_id, score in attempts.order_by("user_id").values_list("user_id", "score")
    ]

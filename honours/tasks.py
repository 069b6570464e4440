"""Background work: anomaly detection as a task (the committee can also run the command)."""

from django.utils import timezone
from django_tasks import task

from .models import Campaign
from .services.anomalies import anomalies_detect


@task()
def detect_vote_anomalies(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    return anomalies_detect(campaign=campaign, now=timezone.now()).new_flags

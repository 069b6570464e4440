"""Template context every page needs: the organisation running the platform (settings.ORG_NAME)."""

from django.conf import settings


def organisation(request) -> dict:
    return {"org_name": settings.ORG_NAME, "org_short_name": settings.ORG_SHORT_NAME}

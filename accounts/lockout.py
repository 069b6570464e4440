"""Login lockout (django-axes handler). Two limits, so neither a stranger nor a busy school network can
lock other people out:

- username + IP together: AXES_FAILURE_LIMIT wrong passwords for one account from one address lock that
  pair only. Someone typing wrong passwords for a whole cohort's (sequential) usernames locks only
  themselves, not the students logging in from their school.
- per IP, any usernames: a generous AXES_IP_FAILURE_LIMIT against password spraying. A school behind one
  NAT address stays well below it: a successful login clears that account's failures from that address.

Requires AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]] in this order."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum

PAIR, IP = ["username", "ip_address"], ["ip_address"]


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class PairAndAddressLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Failures in axes' units: the pair's count, or the pair limit once the address's total reaches
        the per-IP ceiling (axes locks when this reaches AXES_FAILURE_LIMIT)."""
        pair, address = self.get_user_attempts(request, credentials)
        limit = get_failure_limit(request, credentials)
        address_locked = _failures(address) >= settings.AXES_IP_FAILURE_LIMIT
        return max(_failures(pair), limit if address_locked else 0)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """On success clear only this account's failures from this address: resetting the whole
        address would let a sprayer with one valid account wipe the per-IP count at will."""
        pair = self.filter_user_attempts(request, credentials)[0]
        count, _ = pair.delete()
        return count

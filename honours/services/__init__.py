"""Writes of the selection, by stage: quotas, review (nomination → approvals), notice (公示 and
objections), voting, codes, moderation (anomalies)."""

from .campaign import Campaign, CampaignLevel, CountDisplay, Formula, Honour, LevelKind, Quota, QuotaRounding
from .notice import Holiday, Notice, Objection, ObjectionOutcome
from .review import (
    Candidate,
    CandidateFile,
    CandidateStatus,
    Endorsement,
    EndorsementParty,
    LevelApproval,
    PanelScore,
    Transition,
)
from .voting import ChainHead, Vote, VoteCode, VoteCodeBatch, VoteFlag, VoteFlagState, VoterDay

__all__ = [
    "Campaign",
    "CampaignLevel",
    "Candidate",
    "CandidateFile",
    "CandidateStatus",
    "ChainHead",
    "CountDisplay",
    "Endorsement",
    "EndorsementParty",
    "Formula",
    "Holiday",
    "Honour",
    "LevelApproval",
    "LevelKind",
    "Notice",
    "Objection",
    "ObjectionOutcome",
    "PanelScore",
    "Quota",
    "QuotaRounding",
    "Transition",
    "Vote",
    "VoteCode",
    "VoteCodeBatch",
    "VoteFlag",
    "VoteFlagState",
    "VoterDay",
]

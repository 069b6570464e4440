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
    TransitionFile,
)
from .tally import VoteTally
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
    "TransitionFile",
    "Vote",
    "VoteCode",
    "VoteCodeBatch",
    "VoteFlag",
    "VoteFlagState",
    "VoteTally",
    "VoterDay",
]

"""The fenced core of the raw ASGI fast paths (rules: README.md next to this file)."""

from .app import FastPath, Reply, Request, encode, json_fields
from .db import Pools, in_django
from .tokens import Lru, TokenResolver, TokenUser, token_hash
from .writer import GroupCommit

__all__ = [
    "FastPath",
    "GroupCommit",
    "Lru",
    "Pools",
    "Reply",
    "Request",
    "TokenResolver",
    "TokenUser",
    "encode",
    "in_django",
    "json_fields",
    "token_hash",
]

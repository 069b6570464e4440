"""Student roster import from Excel/CSV: read → check every row → preview → atomic write → credentials.

`roster_parse` reads an uploaded file (xlsx or csv, through django-import-export's format classes) and checks
every row against the database and the importer's scope without writing anything. `roster_import` checks
the same rows again against the database as it is at confirm time, and writes all of them or none.
Duplicates (same 学号 in the same school, in the database or earlier in the file) are skipped and shown as
such; any other row error blocks the whole import.

Modules, in the order a roster goes through them: `rows` (columns, limits, records), `reading` (the file),
`checking` (rows against the database and scope), `storage` (the preview between upload and confirm),
`writing` (the atomic write and the spreadsheets given back), `resource` (the import-export resource)."""

from .checking import parse_grade, roster_parse
from .resource import RosterResource
from .rows import (
    CREDENTIALS_TTL,
    INITIAL_PASSWORD_ITERATIONS,
    TEMPLATE_HEADERS,
    Credential,
    RosterBlocked,
    RosterExpired,
    RosterFileError,
    RosterPreview,
    RosterResult,
    RosterRow,
    RowStatus,
)
from .storage import roster_preview_discard, roster_preview_load, roster_preview_store
from .writing import (
    roster_credentials_xlsx,
    roster_error_rows_xlsx,
    roster_import,
    roster_result_load,
    roster_template_xlsx,
)

__all__ = [
    "CREDENTIALS_TTL",
    "INITIAL_PASSWORD_ITERATIONS",
    "TEMPLATE_HEADERS",
    "Credential",
    "RosterBlocked",
    "RosterExpired",
    "RosterFileError",
    "RosterPreview",
    "RosterResource",
    "RosterResult",
    "RosterRow",
    "RowStatus",
    "parse_grade",
    "roster_credentials_xlsx",
    "roster_error_rows_xlsx",
    "roster_import",
    "roster_parse",
    "roster_preview_discard",
    "roster_preview_load",
    "roster_preview_store",
    "roster_result_load",
    "roster_template_xlsx",
]

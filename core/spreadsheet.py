"""The one spreadsheet-safe cell. Every xlsx/csv export passes user-controlled text through
`safe_cell`, so a value that Excel, WPS or LibreOffice would run as a formula is written as text."""

# Characters that start a formula or DDE payload in common spreadsheet programs (OWASP CSV injection),
# including the full-width forms that WPS also accepts and leading tab / carriage return.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value):
    """Return `value` unchanged unless it is text that would be read as a formula; then prefix an
    apostrophe, which spreadsheet programs treat as "this cell is text" and do not display."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeCellsResourceMixin:
    """For django-import-export resources: every exported cell goes through `safe_cell` (the
    library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips one leading "=")."""

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))


def unescape_cell(value):
    """Inverse of `safe_cell` for our own round trips (export, edit, re-import)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value

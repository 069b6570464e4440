"""File formats in and out of the bank. Readers turn a file into RawRow objects (teacher-level strings, one
per question, with the row/line number a teacher can find); the engine in services/importing.py validates
and writes them. Writers produce the xlsx template and xlsx/json exports."""

from ..errors import ImportFileError
from .readers import FORMATS, detect_format, read_rows
from .rows import RawRow

__all__ = ["FORMATS", "ImportFileError", "RawRow", "detect_format", "read_rows"]

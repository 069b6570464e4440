from core.errors import AppError


class FileRejected(AppError):
    """An upload is not accepted; `message` (Chinese) says why and is shown to the student as is."""

    code, status = "file_rejected", 400

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message, code=code, status=status)

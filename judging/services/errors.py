from core.errors import AppError


class JudgingError(AppError):
    """A rule of the judging domain was broken. Views show `message` (Chinese); the API and JSON views
    answer {"code": code, "message": message} with `status`."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message, code=code, status=status)

"""Domain errors of the results app: `message` is Chinese and shown to the user as is."""

from core.errors import AppError


class ResultsError(AppError):
    code = "results_error"


class CertificateError(ResultsError):
    """A refused certificate operation (not eligible yet, missing reason, …)."""

    code = "certificate_error"


class ShowcaseError(ResultsError):
    """A work that may not be shown (no consent, no published award)."""

    code = "showcase_error"

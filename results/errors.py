"""Domain errors of the results app: `message` is Chinese and shown to the user as is."""


class ResultsError(Exception):
    code = "results_error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class CertificateError(ResultsError):
    """A refused certificate operation (not eligible yet, missing reason, …)."""

    code = "certificate_error"


class ShowcaseError(ResultsError):
    """A work that may not be shown (no consent, no published award)."""

    code = "showcase_error"

"""Errors of the disposal workflow and of the monthly report, each carrying a message the user can read."""

from django.core.exceptions import PermissionDenied


class TransitionError(Exception):
    """A case cannot move to the status asked for; `messages` says why, in the user's language."""

    def __init__(self, *messages) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(str(m) for m in self.messages))


class TransitionNotAllowed(TransitionError):
    """The transition table has no such step from the case's current status."""


class TransitionForbidden(TransitionError, PermissionDenied):
    """The user's role in the case's park does not allow this step."""


class GuardFailed(TransitionError):
    """A required date or reason is missing."""


class MissingEvidence(GuardFailed):
    """Required evidence is missing; a supervisor may override with a written reason."""

    def __init__(self, *messages, missing=()) -> None:
        super().__init__(*messages)
        self.missing = list(missing)


class StaleVersion(Exception):
    """Someone else saved the case after this copy was read."""


class ReportError(ValueError):
    """The report cannot be made, or a month closed or reopened, as asked; the message says why."""

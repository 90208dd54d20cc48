"""The two ways a handler can fail, after dramatiq's split of "retry" from "give up".

A handler raises ``Reject`` when the message can never succeed (it is dead-lettered at once,
with the reason), and ``RetryLater`` when it may succeed later (it is retried with backoff
through a delay queue, then dead-lettered after ``max_attempts``). Any other exception is a
bug and is treated like ``RetryLater``. Database outages are retried without limit.
"""

from pathlib import Path


class MessageError(Exception):
    """Base of the errors a handler raises on purpose."""


class Reject(MessageError):
    """The message is wrong and will stay wrong: dead-letter it with this reason."""


class Refused(Reject):
    """A runtime check refused the message (its signature, what it published): dead-letter it
    with the check's own reason."""


class RetryLater(MessageError):
    """A dependency is not ready: try again later."""


def describe(exc: BaseException) -> str:
    """A reason fit for a log line, a metric or the ``x-dsr-error`` header.

    A ``MessageError`` carries a reason the project wrote. Anything else (a driver's error, a
    bug) is named by its class, the driver's own class under it, and where it was raised —
    never by its text, which for a database error quotes the statement's parameters (a
    customer's address, say).
    """
    if isinstance(exc, MessageError):
        return f"{type(exc).__name__}: {exc}"[:500]
    cause = getattr(exc, "orig", None)
    kind = type(exc).__name__ + (f" ({type(cause).__name__})" if cause is not None else "")
    return f"unexpected {kind} at {_raised_at(exc)}; its text is withheld from logs"


def _raised_at(exc: BaseException) -> str:
    """The innermost frame of this project's code in the traceback (not a library's)."""
    where = "unknown place"
    tb = exc.__traceback__
    while tb is not None:
        path = Path(tb.tb_frame.f_code.co_filename)
        if path.is_relative_to(_PROJECT) and "site-packages" not in path.parts:
            where = f"{path.relative_to(_PROJECT)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


_PROJECT = Path(__file__).resolve().parents[2]

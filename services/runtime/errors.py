"""The two ways a handler can fail, after dramatiq's split of "retry" from "give up".

A handler raises ``Reject`` when the message can never succeed (it is dead-lettered at once,
with the reason), and ``RetryLater`` when it may succeed later (it is retried with backoff
through a delay queue, then dead-lettered after ``max_attempts``). Any other exception is a
bug and is treated like ``RetryLater``. Database outages are retried without limit.
"""


class MessageError(Exception):
    """Base of the errors a handler raises on purpose."""


class Reject(MessageError):
    """The message is wrong and will stay wrong: dead-letter it with this reason."""


class RetryLater(MessageError):
    """A dependency is not ready: try again later."""

"""The public message contract of the rights-request system.

Every message is a CloudEvents 1.0 JSON object in structured mode. The ``type`` of an
event is also its AMQP routing key and ends in a version (``.v1``). This package imports
nothing from ``services``: other systems integrate against it alone.
"""

from contracts.envelope import CONTENT_TYPE, CloudEvent, Message

__all__ = ["CONTENT_TYPE", "CloudEvent", "Message"]

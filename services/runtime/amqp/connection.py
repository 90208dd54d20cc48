"""How every client reaches RabbitMQ: the URL, this service's own credentials, and TLS.

``DSR_AMQP_URL`` may carry credentials (development); in a deployment it does not, and each
service adds its own broker user from ``DSR_AMQP_USER`` and ``DSR_AMQP_PASSWORD`` or
``DSR_AMQP_PASSWORD_FILE``. An ``amqps://`` URL turns TLS on: the broker's certificate is
verified against ``DSR_AMQP_CA_FILE`` (else the system's CAs) and its host name, and a client
certificate is presented when ``DSR_AMQP_CERT_FILE`` / ``DSR_AMQP_KEY_FILE`` are set. The
workers (pika) and the short-lived tools (kombu) get the same URL and TLS context.
"""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit

import pika

from services.runtime.settings import Settings


def broker_url(settings: Settings) -> str:
    """The URL for kombu: every node of the cluster, ``;``-separated (kombu's failover)."""
    urls = settings.broker_urls
    if not urls:
        raise ValueError("DSR_AMQP_URL is not set")
    return ";".join(urls)


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    """A verifying client TLS context for an ``amqps://`` URL, else None."""
    if settings.amqp_url is None or urlsplit(settings.amqp_url).scheme != "amqps":
        return None
    context = ssl.create_default_context(
        cafile=str(settings.amqp_ca_file) if settings.amqp_ca_file else None)
    if settings.amqp_cert_file is not None:
        context.load_cert_chain(str(settings.amqp_cert_file),
                                str(settings.amqp_key_file) if settings.amqp_key_file else None)
    return context


def node_parameters(settings: Settings) -> list[pika.URLParameters]:
    """Connection parameters of a long-running worker, one per node of the cluster."""
    if not settings.broker_urls:
        raise ValueError("DSR_AMQP_URL is not set")
    return [_parameters(url, settings) for url in settings.broker_urls]


def pika_parameters(settings: Settings) -> pika.URLParameters:
    """Connection parameters of the first node (``DSR_AMQP_URL``)."""
    return node_parameters(settings)[0]


def _parameters(url: str, settings: Settings) -> pika.URLParameters:
    params = pika.URLParameters(url)
    params.heartbeat = 30
    params.blocked_connection_timeout = 60
    params.connection_attempts = 1
    context = tls_context(settings)
    if context is not None:
        params.ssl_options = pika.SSLOptions(context, server_hostname=urlsplit(url).hostname)
    return params


def kombu_options(settings: Settings) -> dict[str, object]:
    """Keyword arguments for ``kombu.Connection(url, **options)``."""
    context = tls_context(settings)
    return {} if context is None else {"ssl": context}

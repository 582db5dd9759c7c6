"""POST the alert to a webhook: timeouts, retries with exponential backoff on 429/5xx and connection errors.

Error messages name the webhook by scheme and host only: the path of a Slack-style URL is its token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class WebhookError(Exception):
    """Delivery failed after every retry; the message never holds the URL's path or query."""


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    slack: bool = False  # send Slack's {"text": ...} body instead of the JSON summary
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_retry_wait: float = 60.0  # a server's Retry-After is obeyed up to this (a nightly run must not hang)


def where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}"


def post(settings: WebhookSettings, body: dict[str, Any]) -> int:
    """POST ``body`` as JSON; returns the final HTTP status. Raises WebhookError on failure."""
    # Imported here: only a run that sends an alert needs requests (importing it cost every command ~70 ms).
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    class CappedRetry(Retry):
        """urllib3 sleeps for whatever Retry-After a server names (a day, a date in 2100); capped here, as
        the fetcher caps it."""

        def get_retry_after(self, response: Any) -> float | None:
            wait = super().get_retry_after(response)
            return None if wait is None else min(wait, settings.max_retry_wait)

    retry = CappedRetry(total=settings.retries, connect=settings.retries, read=settings.retries,
                        status=settings.retries, backoff_factor=settings.backoff, allowed_methods=None,
                        status_forcelist=(429, 500, 502, 503, 504), respect_retry_after_header=True,
                        raise_on_status=False)
    with requests.Session() as session:
        session.mount("http://", HTTPAdapter(max_retries=retry))
        session.mount("https://", HTTPAdapter(max_retries=retry))
        try:
            response = session.post(settings.url, json=body, allow_redirects=False,
                                    timeout=(settings.connect_timeout, settings.read_timeout))
        except requests.RequestException as exc:
            raise WebhookError(f"webhook {where(settings.url)}: {type(exc).__name__} after "
                               f"{settings.retries} retries") from None
    if not 200 <= response.status_code < 300:
        raise WebhookError(f"webhook {where(settings.url)}: HTTP {response.status_code} after "
                           f"{settings.retries} retries")
    return response.status_code

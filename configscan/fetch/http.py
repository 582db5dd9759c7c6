"""Opening one URL: redirects followed by hand, retries with capped waits, timeouts bounded by the deadline.

Redirects are not left to requests so that each hop can be judged: only http(s) targets, no loops, at most
``max_redirects``, and credentials attached per hop by origin (so a hop to another origin carries none).
Retries are not left to urllib3 because it sleeps for whatever Retry-After a server names; here a wait over
``max_retry_wait``, or past the run's deadline, fails the file with a one-line reason instead.

TLS verification stays on and proxies come from the environment (requests' defaults, never turned off).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from configscan import __version__
from configscan.fetch.credentials import Credentials, one_line, origin
from configscan.fetch.limits import Clock, Limits, describe_seconds
from configscan.fetch.manifest import redact_url

__all__ = ["FetchError", "Fetcher", "make_session", "open_response", "parse_retry_after"]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A download that failed: the message names the (redacted) URL and the reason, on one line.

    ``kind`` is a short machine-readable cause (recorded as the manifest's ``failure``): ``http``,
    ``retry-after``, ``deadline``, ``timeout``, ``connection``, ``tls``, ``too-large``, ``truncated``,
    ``redirect``, ``url``, ``listing``, ``unsafe-name`` or ``write``.
    """

    def __init__(self, url: str, detail: str, status: int | None = None, kind: str = "http") -> None:
        super().__init__(f"{redact_url(url)}: {detail}")
        self.url = url
        self.detail = detail
        self.status = status
        self.kind = kind

    def prefixed(self, what: str) -> FetchError:
        """The same failure with ``what`` (e.g. "cannot list request 7") said first."""
        return FetchError(self.url, f"{what}: {self.detail}", self.status, self.kind)


def make_session() -> requests.Session:
    """A Session without transport-level retries (see :func:`open_response`) and with our User-Agent."""
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = f"configscan/{__version__} (+records fetch)"
    session.verify = True
    session.trust_env = True  # proxies and CA bundle from the environment
    return session


@dataclass
class Fetcher:
    """Everything one run's requests share: the session, the limits, the credentials and the deadline clock."""

    session: requests.Session = field(default_factory=make_session)
    limits: Limits = field(default_factory=Limits)
    credentials: Credentials = field(default_factory=Credentials)
    clock: Clock | None = None

    def __post_init__(self) -> None:
        if self.clock is None:
            self.clock = Clock(self.limits.deadline)

    @property
    def deadline(self) -> Clock:
        assert self.clock is not None  # set in __post_init__
        return self.clock

    def out_of_time(self, url: str, doing: str) -> FetchError:
        return FetchError(url, f"overall deadline of {describe_seconds(self.limits.deadline)} reached {doing} "
                               "(--deadline)", kind="deadline")


def open_response(fetcher: Fetcher, url: str, headers: dict[str, str] | None = None) -> requests.Response:
    """GET ``url`` streamed; the final answer is 2xx or 304 (anything else raises :class:`FetchError`).

    The caller reads (and closes) the body. 429, 5xx, timeouts and dropped connections are retried up to
    ``limits.retries`` times; redirects are followed up to ``limits.max_redirects`` hops.
    """
    limits, clock = fetcher.limits, fetcher.deadline
    current, visited, attempt = url, {url}, 0
    while True:
        if origin(current) is None:
            detail = "not an http(s) URL" if current == url else f"redirected to a non-http(s) URL ({_scheme(current)})"
            raise FetchError(url, detail, kind="url" if current == url else "redirect")
        remaining = clock.remaining()
        if remaining <= 0:
            raise fetcher.out_of_time(url, "before the request")
        sent = {**(headers or {}), **fetcher.credentials.headers_for(current)}
        timeout = (min(limits.connect_timeout, remaining), min(limits.read_timeout, remaining))
        try:
            response = fetcher.session.get(current, headers=sent, timeout=timeout, stream=True,
                                           allow_redirects=False)
        except requests.exceptions.SSLError:
            raise FetchError(url, "TLS certificate verification failed", kind="tls") from None
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
            timed_out = isinstance(exc, requests.exceptions.Timeout)
            what = f"no answer within {describe_seconds(timeout[1])}" if timed_out else "connection failed"
            if attempt >= limits.retries:
                detail = f"{what} ({_reason(exc)}){_after(attempt)}"
                raise FetchError(url, detail, kind="timeout" if timed_out else "connection") from None
            _pause(fetcher, url, attempt, None, None)
            attempt += 1
            continue
        except requests.exceptions.RequestException as exc:  # invalid URL or header: not worth retrying
            raise FetchError(url, f"request not sent ({type(exc).__name__})", kind="url") from None
        code = response.status_code
        if code in REDIRECT_STATUSES:
            location = response.headers.get("Location")
            response.close()
            current = _next_hop(url, current, location, visited, limits.max_redirects)
            continue
        if code in RETRY_STATUSES and attempt < limits.retries:
            retry_after = response.headers.get("Retry-After")
            response.close()
            _pause(fetcher, url, attempt, retry_after, code)
            attempt += 1
            continue
        if code == 304 or 200 <= code < 300:
            return response
        response.close()
        status_text = f"HTTP {code} {one_line(response.reason or '', 80)}".strip()
        raise FetchError(url, status_text + _after(attempt), code)


def _after(retries: int) -> str:
    return f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""


def _scheme(url: str) -> str:
    return one_line(urlsplit(url).scheme or "no scheme", 20) + ":"


def _next_hop(url: str, current: str, location: str | None, visited: set[str], limit: int) -> str:
    if not location:
        raise FetchError(url, "redirect without a Location", kind="redirect")
    target = urljoin(current, location.strip())
    if origin(target) is None:
        raise FetchError(url, f"redirected to a non-http(s) URL ({_scheme(target)})", kind="redirect")
    if target in visited:
        raise FetchError(url, f"redirect loop (back to {redact_url(target)})", kind="redirect")
    if len(visited) > limit:
        raise FetchError(url, f"more than {limit} redirects", kind="redirect")
    visited.add(target)
    return target


def _pause(fetcher: Fetcher, url: str, attempt: int, retry_after: str | None, status: int | None) -> None:
    """Sleep before the next attempt: the server's Retry-After when it names one, else exponential backoff.

    A Retry-After over ``max_retry_wait`` (a day, a date in 2100) or a wait that would pass the deadline
    fails the file now rather than sleeping through a nightly job's slot.
    """
    limits = fetcher.limits
    asked = parse_retry_after(retry_after) if retry_after else None
    if asked is not None and asked > limits.max_retry_wait:
        raise FetchError(url, f"HTTP {status}: server asked to wait {asked:.0f} s (Retry-After), over the "
                              f"{describe_seconds(limits.max_retry_wait)} limit (--max-retry-wait); not waiting",
                         status, kind="retry-after")
    wait = asked if asked is not None else min(limits.backoff * 2 ** attempt, limits.max_retry_wait)
    if wait >= fetcher.deadline.remaining():
        raise fetcher.out_of_time(url, f"while waiting {wait:g} s to retry")
    time.sleep(wait)


def parse_retry_after(value: str) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or an HTTP date); None when unreadable."""
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _reason(exc: BaseException) -> str:
    """The innermost cause's class name (ReadTimeoutError, NewConnectionError...): never a URL or header."""
    seen: BaseException | None = exc
    name = type(exc).__name__
    for _ in range(8):  # a cause chain is a few links long; never follow a cycle forever
        if seen is None:
            break
        inner = getattr(seen, "reason", None)
        if isinstance(inner, BaseException):
            name = type(inner).__name__
        seen = inner if isinstance(inner, BaseException) else (seen.args[0] if seen.args and
                                                               isinstance(seen.args[0], BaseException) else None)
    return name

"""``configscan fetch portal|muckrock|url``: download inputs into a snapshot folder for ``scan``.

Thin: parse options, build the download list from a source, call the snapshot module, print a summary.
Exit 0 when everything was fetched (or confirmed unchanged); 2 for a usage or input error (a bad URL or
token variable, a request number the server does not know); 3 when anything is missing -- a file or listing
page failed, a limit was hit, or fetch itself hit an unexpected error (one line, never a traceback). The
manifest records every failure with ``status`` failed or stale.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from configscan import exitcodes
from configscan.errors import InputError
from configscan.fetch import defaults as d
from configscan.fetch.credentials import CredentialError, Credentials, is_loopback, one_line, origin, token_from_env
from configscan.fetch.limits import Limits
from configscan.fetch.manifest import redact_url
from configscan.textsafe import visible

if TYPE_CHECKING:
    from configscan.fetch.http import Fetcher, FetchError
    from configscan.fetch.snapshot import Outcome
    from configscan.fetch.sources import Download

Out = Annotated[Path, typer.Option("--out", "-o", help="Snapshot folder (created; manifest.json inside).")]
TokenEnv = Annotated[str | None, typer.Option("--token-env", help="Environment variable holding a bearer token "
                                              "(sent only to the origin it is for).")]
MaxBytes = Annotated[int, typer.Option("--max-bytes", min=1, help="Fail any file larger than this many bytes.")]
Retries = Annotated[int, typer.Option("--retries", min=0, help="Retries on 429/5xx, timeouts and dropped "
                                      "connections.")]
Deadline = Annotated[float, typer.Option("--deadline", min=0.001, help="Seconds for the whole run (listing, "
                                         "waits, downloads); files not done by then fail.")]
ReadTimeout = Annotated[float, typer.Option("--read-timeout", min=0.001, help="Fail a file when the server "
                                            "sends nothing for this many seconds.")]
MaxRetryWait = Annotated[float, typer.Option("--max-retry-wait", min=0, help="Longest Retry-After to wait out; "
                                             "a longer one fails the file.")]
Backoff = Annotated[float, typer.Option("--backoff", min=0, help="First wait between retries when the server "
                                        "names none (doubles each retry).")]
_INPUT_STATUSES = frozenset({400, 401, 403, 404, 410})  # the request number or token is wrong, not the network


def _limits(retries: int, backoff: float, max_retry_wait: float, read_timeout: float, deadline: float,
            max_bytes: int) -> Limits:
    return Limits(retries=retries, backoff=backoff, max_retry_wait=max_retry_wait, read_timeout=read_timeout,
                  deadline=deadline, max_bytes=max_bytes)


def _fail(message: str, code: int = exitcodes.INPUT_ERROR) -> NoReturn:
    typer.echo(f"configscan: error: {visible(message)}", err=True)
    raise typer.Exit(code)


@contextmanager
def _one_line_errors(scrub: Callable[[str], str]) -> Iterator[None]:
    """Input errors exit 2 and anything unexpected exits 3, each as one scrubbed line -- never a traceback
    (which could carry a header holding the token). Ctrl-C and SIGTERM pass through to the CLI's handlers."""
    try:
        yield
    except typer.Exit:
        raise
    except InputError as exc:
        _fail(one_line(scrub(str(exc))))
    except Exception as exc:  # noqa: BLE001 -- the contract is one line and exit 3, whatever went wrong
        _fail(f"fetch stopped by an unexpected {type(exc).__name__}: {one_line(scrub(str(exc)))}; "
              "the snapshot is incomplete", exitcodes.INCOMPLETE)


def _credentials(token_env: str | None, target: str) -> Credentials:
    """The token for ``target``'s origin (checked, never echoed); plain http only to this machine."""
    try:
        token = token_from_env(os.environ, token_env)
    except CredentialError as exc:
        _fail(str(exc))
    credentials = Credentials(token, origin(target), f"bearer token from ${token_env}" if token else None)
    credentials = credentials.with_url_secrets(target)
    if credentials.secrets or token:
        if target.startswith("http://") and not is_loopback(target):
            _fail(f"{redact_url(target)}: refusing to send credentials over plain http")
        if not token:
            credentials = Credentials(None, None, "credentials in the URL (not recorded)", credentials.secrets)
    return credentials


def _fetcher(limits: Limits, credentials: Credentials) -> Fetcher:
    # Imported here: requests is slow to import and only fetching needs it.
    from configscan.fetch.http import Fetcher, make_session

    return Fetcher(make_session(), limits, credentials)


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        _fail(f"{out}: --out is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"{out}: cannot create the snapshot folder ({exc.strerror or type(exc).__name__})")


def _run(fetcher: Fetcher, downloads: list[Download], out: Path, source: str, *, auth: str | None = None,
         listing_failures: Sequence[FetchError] = ()) -> NoReturn:
    from configscan.fetch.snapshot import fetch_all

    _prepare(out)
    _finish(fetch_all(fetcher, downloads, out, source=source, auth=auth, listing_failures=listing_failures),
            out)


def _finish(outcome: Outcome, folder: Path) -> NoReturn:
    kept = f" ({outcome.kept} earlier cop{'y' if outcome.kept == 1 else 'ies'} kept, marked stale)" \
        if outcome.kept else ""
    typer.echo(f"configscan: fetched {len(outcome.downloaded)}, unchanged {len(outcome.unchanged)}, "
               f"failed {len(outcome.failed)}{kept} -> {folder}", err=True)
    for failure in outcome.failed:
        typer.echo(f"configscan: fetch failed: {visible(one_line(failure, 500))}", err=True)
    raise typer.Exit(exitcodes.INCOMPLETE if outcome.failed else exitcodes.OK)


def portal(target: Annotated[str, typer.Argument(help="Portal slug (e.g. eugene-or-pd) or full URL.")],
           out: Out = Path("snapshot"), retries: Retries = d.DEFAULT_RETRIES,
           max_bytes: MaxBytes = d.DEFAULT_MAX_BYTES, deadline: Deadline = d.DEFAULT_DEADLINE,
           read_timeout: ReadTimeout = d.DEFAULT_READ_TIMEOUT,
           max_retry_wait: MaxRetryWait = d.DEFAULT_MAX_RETRY_WAIT, backoff: Backoff = d.DEFAULT_BACKOFF,
           base: Annotated[str, typer.Option("--base", help="Portal site for slugs.")] = d.PORTAL_BASE,
           ) -> None:
    """Download an agency's public transparency-portal page."""
    from configscan.fetch import sources
    from configscan.fetch.http import FetchError

    credentials = Credentials().with_url_secrets(target, base)
    with _one_line_errors(credentials.scrub):
        try:
            url = sources.portal_url(target, base)
        except FetchError as exc:
            _fail(credentials.scrub(str(exc)))
        fetcher = _fetcher(_limits(retries, backoff, max_retry_wait, read_timeout, deadline, max_bytes),
                           credentials)
        name = sources.safe_name(url.rstrip("/"), "portal") + ".html"
        _run(fetcher, [sources.Download(url=url, name=f"portal-{name}")], out,
             f"portal {redact_url(target) if '://' in target else target}")


def muckrock(request_id: Annotated[str, typer.Argument(help="MuckRock request number.")],
             out: Out = Path("snapshot"), retries: Retries = d.DEFAULT_RETRIES,
             max_bytes: MaxBytes = d.DEFAULT_MAX_BYTES, deadline: Deadline = d.DEFAULT_DEADLINE,
             read_timeout: ReadTimeout = d.DEFAULT_READ_TIMEOUT,
             max_retry_wait: MaxRetryWait = d.DEFAULT_MAX_RETRY_WAIT, backoff: Backoff = d.DEFAULT_BACKOFF,
             token_env: TokenEnv = None,
             api: Annotated[str, typer.Option("--api", help="MuckRock API base URL.")] = d.MUCKROCK_API,
             ) -> None:
    """Download every file released on a MuckRock public-records request."""
    from configscan.fetch import sources
    from configscan.fetch.http import FetchError

    if origin(api) is None:
        _fail(f"--api {redact_url(api)}: not an http(s) URL")
    credentials = _credentials(token_env, api)
    with _one_line_errors(credentials.scrub):
        fetcher = _fetcher(_limits(retries, backoff, max_retry_wait, read_timeout, deadline, max_bytes),
                           credentials)
        try:
            listing = sources.muckrock_downloads(fetcher, request_id, api)
        except FetchError as exc:
            if exc.kind == "url" or exc.status in _INPUT_STATUSES:
                _fail(f"cannot list request {request_id}: {credentials.scrub(str(exc))}")
            _run(fetcher, [], out, f"muckrock {request_id}",
                 listing_failures=[exc.prefixed(f"cannot list request {request_id}")])
        if not listing.downloads and not listing.failures:
            _fail(f"MuckRock request {request_id} has no released files")
        # The token goes to the API's origin only: files on a CDN are fetched without it.
        _run(fetcher, listing.downloads, out, f"muckrock {request_id}", auth=credentials.source,
             listing_failures=[f.prefixed(f"request {request_id} only partly listed") for f in listing.failures])


def url(target: Annotated[str, typer.Argument(help="HTTPS URL of an export.")],
        out: Out = Path("snapshot"), retries: Retries = d.DEFAULT_RETRIES,
        max_bytes: MaxBytes = d.DEFAULT_MAX_BYTES, deadline: Deadline = d.DEFAULT_DEADLINE,
        read_timeout: ReadTimeout = d.DEFAULT_READ_TIMEOUT,
        max_retry_wait: MaxRetryWait = d.DEFAULT_MAX_RETRY_WAIT, backoff: Backoff = d.DEFAULT_BACKOFF,
        token_env: TokenEnv = None,
        name: Annotated[str | None, typer.Option("--name", help="File name in the snapshot.")] = None) -> None:
    """Download one export from any HTTP(S) endpoint, optionally with a bearer token from the environment."""
    from configscan.fetch import sources

    if origin(target) is None:
        _fail(f"{redact_url(target)}: not an http(s) URL")
    credentials = _credentials(token_env, target)
    with _one_line_errors(credentials.scrub):
        fetcher = _fetcher(_limits(retries, backoff, max_retry_wait, read_timeout, deadline, max_bytes),
                           credentials)
        file_name = sources.safe_name(name, "download") if name else sources.name_from_url(target, "download")
        _run(fetcher, [sources.Download(url=target, name=file_name)], out,
             f"url {redact_url(target).split('?')[0]}", auth=credentials.source)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Download inputs (portal page, records release, export URL) into a snapshot folder.",
                        no_args_is_help=True)
    group.command("portal")(portal)
    group.command("muckrock")(muckrock)
    group.command("url")(url)
    app.add_typer(group, name="fetch")

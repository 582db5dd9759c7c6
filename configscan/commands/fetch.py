"""``configscan fetch portal|muckrock|url``: download inputs into a snapshot folder for ``scan``.

Thin: parse options, build the download list from a source, call the snapshot module, print a summary.
Exit 0 when everything was fetched (or unchanged), 2 when the source itself could not be listed, 3 when
some files failed (the manifest records which, with status).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from configscan import exitcodes
from configscan.errors import InputError
from configscan.fetch.defaults import DEFAULT_MAX_BYTES, MUCKROCK_API, PORTAL_BASE

if TYPE_CHECKING:
    from configscan.fetch.snapshot import Outcome

Out = Annotated[Path, typer.Option("--out", "-o", help="Snapshot folder (created; manifest.json inside).")]
TokenEnv = Annotated[str | None, typer.Option("--token-env", help="Environment variable holding a bearer token.")]
MaxBytes = Annotated[int, typer.Option("--max-bytes", help="Refuse any file larger than this.")]
Retries = Annotated[int, typer.Option("--retries", help="Retries on 429/5xx/connection errors.")]


def _finish(outcome: Outcome, folder: Path) -> None:
    typer.echo(f"configscan: fetched {len(outcome.downloaded)}, unchanged {len(outcome.unchanged)}, "
               f"failed {len(outcome.failed)} -> {folder}", err=True)
    for failure in outcome.failed:
        typer.echo(f"configscan: fetch failed: {failure}", err=True)
    raise typer.Exit(exitcodes.INCOMPLETE if outcome.failed else exitcodes.OK)


def _fail(message: str) -> None:
    typer.echo(f"configscan: error: {message}", err=True)
    raise typer.Exit(exitcodes.INPUT_ERROR)


def _token(token_env: str | None) -> str | None:
    from configscan.fetch.http import FetchError, bearer_from_env

    try:
        return bearer_from_env(os.environ, token_env)
    except FetchError as exc:
        _fail(str(exc).removeprefix("(token): "))
    return None


def portal(target: Annotated[str, typer.Argument(help="Portal slug (e.g. eugene-or-pd) or full URL.")],
           out: Out = Path("snapshot"), retries: Retries = 4, max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
           base: Annotated[str, typer.Option("--base", help="Portal site for slugs.")] = PORTAL_BASE,
           ) -> None:
    """Download an agency's public transparency-portal page."""
    # Imported here: requests is slow to import and only fetching needs it.
    from configscan.fetch import sources
    from configscan.fetch.http import FetchError, make_session
    from configscan.fetch.snapshot import fetch_all

    try:
        url = sources.portal_url(target, base)
    except FetchError as exc:
        _fail(str(exc))
    name = sources.safe_name(url.rstrip("/"), "portal") + ".html"
    downloads = [sources.Download(url=url, name=f"portal-{name}")]
    try:
        _finish(fetch_all(make_session(retries), downloads, out, source=f"portal {target}", max_bytes=max_bytes), out)
    except InputError as exc:
        _fail(str(exc))


def muckrock(request_id: Annotated[str, typer.Argument(help="MuckRock request number.")],
             out: Out = Path("snapshot"), retries: Retries = 4, max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
             token_env: TokenEnv = None,
             api: Annotated[str, typer.Option("--api", help="MuckRock API base URL.")] = MUCKROCK_API,
             ) -> None:
    """Download every file released on a MuckRock public-records request."""
    # Imported here: requests is slow to import and only fetching needs it.
    from configscan.fetch import sources
    from configscan.fetch.http import FetchError, make_session
    from configscan.fetch.snapshot import fetch_all

    token = _token(token_env)
    session = make_session(retries)
    try:
        downloads = sources.muckrock_downloads(session, request_id, api, token)
    except FetchError as exc:
        _fail(f"cannot list request {request_id}: {exc}")
    if not downloads:
        _fail(f"MuckRock request {request_id} has no released files")
    try:
        # File URLs point at a CDN, not the API: the token is sent only to the API.
        _finish(fetch_all(session, downloads, out, source=f"muckrock {request_id}", max_bytes=max_bytes), out)
    except InputError as exc:
        _fail(str(exc))


def url(target: Annotated[str, typer.Argument(help="HTTPS URL of an export.")],
        out: Out = Path("snapshot"), retries: Retries = 4, max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
        token_env: TokenEnv = None,
        name: Annotated[str | None, typer.Option("--name", help="File name in the snapshot.")] = None) -> None:
    """Download one export from any HTTP(S) endpoint, optionally with a bearer token from the environment."""
    # Imported here: requests is slow to import and only fetching needs it.
    from configscan.fetch import sources
    from configscan.fetch.http import make_session
    from configscan.fetch.snapshot import fetch_all

    if not target.startswith(("https://", "http://")):
        _fail(f"{target}: not an http(s) URL")
    token = _token(token_env)
    if token and target.startswith("http://") and not target.startswith(("http://127.", "http://localhost")):
        _fail(f"{target}: refusing to send a token over plain http")
    file_name = sources.safe_name(name, "download") if name else sources.name_from_url(target, "download")
    downloads = [sources.Download(url=target, name=file_name)]
    try:
        _finish(fetch_all(make_session(retries), downloads, out, source=f"url {target.split('?')[0]}",
                          token=token, token_env=token_env, max_bytes=max_bytes), out)
    except InputError as exc:
        _fail(str(exc))


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Download inputs (portal page, records release, export URL) into a snapshot folder.",
                        no_args_is_help=True)
    group.command("portal")(portal)
    group.command("muckrock")(muckrock)
    group.command("url")(url)
    app.add_typer(group, name="fetch")

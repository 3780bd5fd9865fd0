"""`vignette books import`: upload a book to a running service and follow its import."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from vignette.settings import get_settings

books_app = typer.Typer(help="Import books into a running service.", no_args_is_help=True)


def _fail(response: httpx.Response) -> typer.Exit:
    try:
        body = response.json()
        detail = f"{body.get('code', '')}: {body.get('detail', response.text)}"
    except ValueError:
        detail = response.text[:500]
    typer.echo(f"error: HTTP {response.status_code} {detail}", err=True)
    return typer.Exit(1)


def _key(api_key: str | None) -> str:
    if api_key:
        return api_key
    path = get_settings().data_dir.resolve() / "api-key"
    try:
        return path.read_text().strip()
    except OSError:
        raise typer.BadParameter(f"no --api-key given and {path} cannot be read") from None


def _follow(
    client: httpx.Client, book: dict[str, Any], timeout: float, poll: float
) -> dict[str, Any]:
    """Poll the book, showing chapters done out of total, until it is ready or failed."""
    deadline = time.monotonic() + timeout
    bar = None
    shown = 0
    try:
        while book["status"] == "processing":
            if time.monotonic() > deadline:
                typer.echo(f"\nerror: still processing after {timeout:.0f} s", err=True)
                raise typer.Exit(1)
            total = book["progress"]["chapters_total"]
            if bar is None and total:
                bar = typer.progressbar(length=total, label="Finding descriptions").__enter__()
            if bar is not None:
                done = book["progress"]["chapters_done"]
                bar.update(done - shown)
                shown = done
            time.sleep(poll)
            r = client.get(f"/books/{book['id']}")
            if r.status_code != 200:
                raise _fail(r)
            book = r.json()
        if bar is not None:
            bar.update(book["progress"]["chapters_done"] - shown)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    return book


@books_app.command("import")
def import_book(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    url: Annotated[str | None, typer.Option(help="Service URL (default: host and port).")] = None,
    api_key: Annotated[
        str | None, typer.Option(help="API key (default: <data-dir>/api-key).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Give up after this many seconds.")] = 900.0,
    poll: Annotated[float, typer.Option(help="Seconds between progress checks.")] = 0.5,
) -> None:
    """Upload an EPUB, FB2 or text file and show a progress bar until it is ready or failed."""
    settings = get_settings()
    base = (url or f"http://{settings.host}:{settings.port}").rstrip("/")
    headers = {"Authorization": f"Bearer {_key(api_key)}"}
    with httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=120) as client:
        try:
            with file.open("rb") as fh:
                r = client.post("/books", files={"file": (file.name, fh)})
            if r.status_code != 202:
                raise _fail(r)
            typer.echo(f"Uploaded {file.name}: book {r.json()['id']}")
            book = _follow(client, r.json(), timeout, poll)
        except httpx.HTTPError as exc:
            typer.echo(f"error: cannot reach {base}: {exc}", err=True)
            raise typer.Exit(1) from None
    if book["status"] != "ready":
        typer.echo(f"failed: {book.get('error_code')}: {book.get('error')}", err=True)
        raise typer.Exit(1)
    chapters = book["progress"]["chapters_total"]
    found = book.get("descriptions_found")
    typer.echo(f"ready: {book['title']!r}, {chapters} chapters, {found} descriptions")
    typer.echo(f"book id: {book['id']}")

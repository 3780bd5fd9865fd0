"""`vignette` commands: serve everything, or run each process on its own."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from vignette.cli.books import books_app
from vignette.cli.generate import generate
from vignette.cli.housekeeping import housekeeping
from vignette.cli.users import users_app
from vignette.logs import configure as configure_logs
from vignette.metrics import enable_multiprocess, metrics, serve_http
from vignette.settings import Settings, get_settings

app = typer.Typer(help="Vignette: illustrations for books.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(books_app, name="books")
app.command("generate")(generate)
app.command("housekeeping")(housekeeping)


def _count_in_files(settings: Settings) -> None:
    """This process and its children add to the host's metric files (see vignette.metrics)."""
    if settings.metrics_enabled:
        enable_multiprocess(settings.metrics_directory)
        metrics()  # its series exist from the start, at zero


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where data lives.")] = None,
) -> None:
    """Run everything on this machine: Redis, database, API, worker and scheduler."""
    from vignette.cli.bootstrap import ensure_local_key
    from vignette.db.migrate import upgrade
    from vignette.embedded.supervisor import Supervisor

    for name, value in (("HOST", host), ("PORT", port), ("DATA_DIR", data_dir)):
        if value is not None:
            os.environ[f"VIGNETTE_{name}"] = str(value)
    get_settings.cache_clear()
    settings = get_settings()
    configure_logs(settings.log_level, settings.log_format)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    key_lines = ensure_local_key(settings)
    ready = [
        *key_lines,
        f"Vignette is running: open http://{settings.host}:{settings.port}/ and sign in with "
        f"the key above (API docs at /docs, data in {settings.data_dir.resolve()}). "
        "Ctrl-C stops it.",
    ]
    raise typer.Exit(Supervisor(settings, sys.stdout).run(ready))


@app.command()
def api(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    workers: Annotated[
        int | None, typer.Option(help="API processes (default: VIGNETTE_API_PROCESSES).", min=1)
    ] = None,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
) -> None:
    """Run the HTTP API (uses VIGNETTE_DATABASE_URL and VIGNETTE_REDIS_URL)."""
    import uvicorn

    settings = get_settings()
    configure_logs(settings.log_level, settings.log_format)
    _count_in_files(settings)
    uvicorn.run(
        "vignette.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.api_processes,
        access_log=access_log,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_level=settings.log_level.lower(),
        log_config=None,  # its loggers go to the root handler: one format (vignette.logs)
    )


@app.command()
def worker(
    queues: Annotated[str, typer.Option(help="Comma-separated: heavy, normal, light.")],
    concurrency: Annotated[
        int | None,
        typer.Option(help="Tasks run at once (default: VIGNETTE_WORKER_CONCURRENCY).", min=1),
    ] = None,
    pool: Annotated[
        str | None,
        typer.Option(help="Celery pool: prefork, threads or solo (default: VIGNETTE_WORKER_POOL)."),
    ] = None,
) -> None:
    """Run a Celery worker on the named queues."""
    from vignette.queue.names import QUEUES
    from vignette.worker import app as celery_app

    names = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = sorted(set(names) - set(QUEUES))
    if not names or unknown:
        raise typer.BadParameter(f"queues must be among {', '.join(QUEUES)}; got {queues!r}")
    settings = get_settings()
    _count_in_files(settings)
    if settings.metrics_enabled and settings.worker_metrics_port:
        serve_http(settings.worker_metrics_port, settings.host)
    celery_app.worker_main(
        argv=[
            "worker",
            f"--queues={','.join(names)}",
            f"--concurrency={concurrency or settings.worker_concurrency}",
            f"--pool={pool or settings.worker_pool}",
            f"--hostname=vignette-{os.getpid()}@%h",
            f"--loglevel={settings.log_level}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@app.command()
def beat() -> None:
    """Run the scheduler (one per deployment): the reconciler and maintenance."""
    from vignette.worker import app as celery_app

    settings = get_settings()
    _count_in_files(settings)
    run_dir = settings.data_dir / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    celery_app.start(
        argv=[
            "beat",
            f"--schedule={run_dir / 'celerybeat-schedule'}",
            f"--loglevel={settings.log_level}",
        ]
    )


@app.command("fake-providers")
def fake_providers(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8900,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    failure_rate: Annotated[float, typer.Option(min=0, max=1)] = 0.0,
    latency_ms: Annotated[float, typer.Option(min=0)] = 0.0,
    seed: Annotated[int | None, typer.Option()] = None,
    same_picture: Annotated[
        bool, typer.Option(help="Render one picture per size and send it every time (fast).")
    ] = False,
    pollinations_size: Annotated[
        str | None, typer.Option(help="Pollinations answers in this size, e.g. 1024x1024.")
    ] = None,
) -> None:
    """Serve fake Gemini, Imagen, Pollinations and OpenAI endpoints with scripted faults."""
    from vignette.fakes.server import serve_fake_providers

    size = None
    if pollinations_size is not None:
        try:
            width, height = (int(side) for side in pollinations_size.lower().split("x"))
        except ValueError:
            raise typer.BadParameter("--pollinations-size must look like 1024x1024") from None
        size = (width, height)
    serve_fake_providers(
        host, port, failure_rate, latency_ms, seed, same_picture=same_picture,
        pollinations_size=size,
    )  # fmt: skip


@app.command()
def migrate() -> None:
    """Apply database migrations."""
    from vignette.db.migrate import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    typer.echo(f"database is up to date ({settings.resolved_database_url.split('@')[-1]})")

"""`vignette users`: manage users and API keys."""

from __future__ import annotations

import typer

from vignette.db.migrate import upgrade
from vignette.db.session import Database
from vignette.errors import VignetteError
from vignette.settings import get_settings
from vignette.users.service import create_user

users_app = typer.Typer(help="Manage users.", no_args_is_help=True)


@users_app.command("create")
def create(email: str) -> None:
    """Create a user; prints only its new API key."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    try:
        with db.write() as session:
            _, key = create_user(session, email)
    except VignetteError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    typer.echo(key)

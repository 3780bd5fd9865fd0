"""`python -m vignette` runs the CLI."""

from vignette.cli.main import app

app()

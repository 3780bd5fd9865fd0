"""docs/DEPLOYMENT.md stays true of the code: every VIGNETTE_ name in it is a setting (with the
default it gives), every `vignette` command line it shows exists with its options and queues,
and its nginx example treats every event stream route as one."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import typer.main

from vignette.app import create_app
from vignette.cli.main import app as cli
from vignette.queue.names import QUEUES
from vignette.settings import Settings

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "DEPLOYMENT.md"
PREFIX = str(Settings.model_config.get("env_prefix", ""))
SETTING = re.compile(rf"\b{PREFIX}[A-Z0-9_]*[A-Z0-9]\b")
# `vignette <words>` up to the end of its line, an inline code span's end or a comment.
COMMAND_LINE = re.compile(r"(?<![\w.@-])vignette (?=[a-z])([^\n`#|]*)")
TABLE_ROW = re.compile(rf"^\| `({PREFIX}[A-Z0-9_]+)` \| `([^`]*)` \|", re.MULTILINE)
EVENT_STREAM = "text/event-stream"
NGINX_REGEX_LOCATION = re.compile(r"^\s*location ~ (\S+) \{", re.MULTILINE)


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def settings_by_env_name() -> dict[str, Any]:
    return {f"{PREFIX}{name.upper()}": field for name, field in Settings.model_fields.items()}


def test_every_setting_named_in_the_guide_exists() -> None:
    real = settings_by_env_name()
    unknown = sorted(set(SETTING.findall(guide())) - set(real))
    assert not unknown, f"docs/DEPLOYMENT.md names settings that do not exist: {unknown}"


def _same(documented: str, default: object) -> bool:
    if isinstance(default, bool):
        return documented.lower() == str(default).lower()
    if isinstance(default, int | float):
        return float(documented) == float(default)
    if isinstance(default, Path):
        return Path(documented) == default
    return documented == str(default)


def test_the_guide_gives_each_setting_its_real_default() -> None:
    real = settings_by_env_name()
    rows = TABLE_ROW.findall(guide())
    assert rows, "the guide's settings table is gone (or no longer `NAME` | `default` rows)"
    wrong = [
        f"{name}: documented {documented!r}, really {real[name].default!r}"
        for name, documented in rows
        if name in real and not _same(documented, real[name].default)
    ]
    assert not wrong, "docs/DEPLOYMENT.md gives wrong defaults: " + "; ".join(wrong)


def _resolve(words: list[str]) -> tuple[str, Any, list[str]]:
    """The (click) command the words name, None if they name none, and the words after it.
    Typer ships its own copy of click, so groups are told by their `commands`."""
    command: Any = typer.main.get_command(cli)
    path = ["vignette"]
    while isinstance(getattr(command, "commands", None), dict):
        if not words or words[0] not in command.commands:
            return " ".join([*path, *words[:1]]), None, words
        path.append(words[0])
        command, words = command.commands[words[0]], words[1:]
    return " ".join(path), command, words


def test_every_vignette_command_in_the_guide_exists_with_its_options() -> None:
    problems: list[str] = []
    for line in COMMAND_LINE.findall(guide()):
        name, command, rest = _resolve(line.split())
        if command is None:
            problems.append(f"`{name}` is not a command")
            continue
        options = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
        options.add("--help")
        for i, word in enumerate(rest):
            if not word.startswith("--"):
                continue
            option = word.split("=", 1)[0]
            if option not in options:
                problems.append(f"`{name}` has no option {option}")
            if option == "--queues" and i + 1 < len(rest):
                queues = set(rest[i + 1].split(",")) - set(QUEUES)
                problems.extend(f"`{name}`: no queue named {q!r}" for q in sorted(queues))
    assert not problems, "docs/DEPLOYMENT.md: " + "; ".join(problems)


def _streams(methods: dict[str, Any]) -> bool:
    """Whether the path's GET answers 200 with server-sent events."""
    ok = methods.get("get", {}).get("responses", {}).get("200", {})
    return EVENT_STREAM in ok.get("content", {})


def test_the_nginx_example_unbuffers_every_event_stream() -> None:
    locations = [re.compile(p) for p in NGINX_REGEX_LOCATION.findall(guide())]
    assert locations, "the guide's nginx example has no regex location for the event streams"
    paths: dict[str, dict[str, Any]] = create_app(Settings()).openapi()["paths"]
    streams = [path for path, methods in paths.items() if _streams(methods)]
    assert streams, f"no route answers {EVENT_STREAM} in the OpenAPI document"
    for path in streams:
        sample = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        assert any(loc.search(sample) for loc in locations), f"{path} is buffered by nginx"
        assert path in guide(), f"the guide does not name the event stream {path}"
    for path in ("/api/v1/books", "/api/v1/images/task/x", "/healthz"):
        assert not any(loc.search(path) for loc in locations), f"{path} would be unbuffered"


def _nginx_number(directive: str) -> float:
    found = re.search(rf"^\s*{directive} (\d+)([ms]?);", guide(), re.MULTILINE)
    assert found, f"the nginx example sets no {directive}"
    unit = {"m": 1024 * 1024, "s": 1, "": 1}[found.group(2)]
    return float(found.group(1)) * unit


def test_the_nginx_limits_let_the_app_answer_first() -> None:
    fields = Settings.model_fields
    upload = fields["max_upload_bytes"].default + 64 * 1024  # the app's multipart allowance
    assert _nginx_number("client_max_body_size") >= upload
    read_timeout = _nginx_number("proxy_read_timeout")
    assert read_timeout > fields["sync_wait_max_seconds"].default
    assert read_timeout > fields["sse_ping_seconds"].default

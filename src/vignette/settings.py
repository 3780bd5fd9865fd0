"""Settings from VIGNETTE_* environment variables, with defaults for one laptop."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the service; see the README for what each one does."""

    model_config = SettingsConfigDict(env_prefix="VIGNETTE_", extra="ignore")

    data_dir: Path = Path("./var")
    database_url: str = ""  # empty: SQLite file in the data dir
    redis_url: str = ""  # empty: embedded Redis started by `vignette serve`
    host: str = "127.0.0.1"
    port: int = 8000
    # API processes sharing the port (`vignette api`, `vignette serve`). Each is CPU-bound on
    # one core; on 2 cores a second one measured no faster, since the worker needs a core too.
    api_processes: int = Field(default=1, ge=1)
    # Proxies whose X-Forwarded-Proto / -For the API believes (comma-separated IPs, or "*"):
    # behind nginx on another host, its address, so an HTTPS sign-in gets a Secure cookie.
    forwarded_allow_ips: str = "127.0.0.1"
    log_level: str = "INFO"
    # `text`: lines for a person; `json`: one JSON object a line for a log pipeline.
    log_format: Literal["text", "json"] = "text"

    provider_chain: str = "procedural"
    procedural_delay_ms: float = 0.0
    provider_timeout_seconds: float = 120.0
    gemini_api_key: SecretStr = SecretStr("")
    gemini_base_url: str = ""
    gemini_model: str = "gemini-2.5-flash-image"
    imagen_api_key: SecretStr = SecretStr("")
    imagen_base_url: str = ""
    imagen_model: str = "imagen-4.0-generate-001"
    pollinations_api_key: SecretStr = SecretStr("")
    pollinations_base_url: str = "https://gen.pollinations.ai"
    pollinations_model: str = "flux"
    # The throttled stand-in picture's digests (MD5 or SHA-256, comma-separated).
    pollinations_placeholder_hashes: str = "2090a5dc21c32952cbf8496339752bd1"
    openai_api_key: SecretStr = SecretStr("")
    openai_base_url: str = "https://api.openai.com"
    openai_model: str = "gpt-image-1"
    # Per-provider global rate limits ("30/minute"); empty means unlimited.
    rate_limit_gemini: str = ""
    rate_limit_imagen: str = ""
    rate_limit_pollinations: str = ""
    rate_limit_openai: str = ""
    # Breakers (queue/breaker.py): open on `failures` in a row, or on a failure share of at
    # least `failure_rate` over the last `window` calls once `min_calls` are in it.
    breaker_failures: int = Field(default=10, ge=1)
    breaker_window: int = Field(default=20, ge=1, le=200)
    breaker_min_calls: int = Field(default=5, ge=1)
    breaker_failure_rate: float = Field(default=0.9, gt=0, le=1)
    breaker_cooldown_seconds: float = Field(default=10.0, gt=0)
    breaker_probe_interval_seconds: float = Field(default=1.0, gt=0)
    content_policy_fallback: bool = False
    image_width: int = 1024
    image_height: int = 768
    image_format: str = "webp"

    max_provider_calls: int = Field(default=4, ge=1, le=20)
    job_deadline_seconds: float = 900.0
    retry_base_seconds: float = 0.25
    retry_max_seconds: float = 60.0
    lease_seconds: float = Field(default=60.0, gt=0)
    max_deliveries: int = Field(default=3, ge=1)
    reconcile_interval_seconds: float = Field(default=15.0, gt=0)
    requeue_after_seconds: float = Field(default=600.0, gt=0)
    # Housekeeping (maintenance/): how often it runs; finished jobs and their images are kept
    # this many days (0: forever); a stored Idempotency-Key answer is kept this many hours.
    housekeeping_interval_seconds: float = Field(default=3600.0, gt=0)
    image_retention_days: float = Field(default=0.0, ge=0)
    idempotency_key_hours: float = Field(default=24.0, gt=0)
    task_time_limit_seconds: int = 300
    worker_concurrency: int = 2
    # The worker pool under `vignette serve`: prefork (hard time limits) or threads (many
    # waiting provider calls per process; no hard time limit, the provider timeout bounds calls).
    worker_pool: Literal["prefork", "threads"] = "prefork"

    max_request_bytes: int = 10 * 1024 * 1024
    sync_wait_default_seconds: float = 60.0
    sync_wait_max_seconds: float = 120.0
    # Browser sessions of the web reader: how long a sign-in lasts.
    session_hours: float = Field(default=30 * 24, gt=0)
    # An idle event stream sends a comment this often (proxies close silent connections).
    sse_ping_seconds: float = Field(default=15.0, gt=0)
    # Prometheus metrics: `GET /metrics` on the API (off: 404). Each host's processes count in
    # files under `metrics_dir` (empty: <data dir>/run/metrics); a local disk, never a shared one.
    metrics_enabled: bool = True
    metrics_dir: Path | None = None
    # A worker host without an API process serves its counts on this port (0: it does not).
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)

    # Book import (issue 3): uploads, the per-book time limit, chapter batches.
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    book_time_limit_seconds: int = Field(default=600, ge=1)
    max_batch_images: int = Field(default=50, ge=1, le=500)

    # Prompt translation (issue 4): "none", or "llm" through an OpenAI-compatible chat endpoint.
    translator: str = "none"
    translator_base_url: str = ""
    translator_api_key: SecretStr = SecretStr("")
    translator_model: str = "gpt-4o-mini"
    translator_timeout_seconds: float = 30.0

    # Description extraction (issue 3): "rules" (offline), or "llm" through an OpenAI-compatible
    # chat endpoint, falling back to the rules for any chapter the endpoint fails on.
    extractor: str = "rules"
    extractor_base_url: str = ""
    extractor_api_key: SecretStr = SecretStr("")
    extractor_model: str = "gpt-4o-mini"
    extractor_timeout_seconds: float = 60.0

    # Fault injection, for tests only (never set it in production): each API process fails its
    # first N sends after a commit, as if it had crashed between the commit and the send; the
    # reconciler must send those jobs (tests/faults/test_faults_at_scale.py).
    fault_fail_sends: int = Field(default=0, ge=0)
    # Fault injection (tests only): a job whose prompt contains this text kills the worker
    # process that runs it, as a crashing native library would (a poison job).
    fault_poison_text: str = ""

    @property
    def resolved_database_url(self) -> str:
        """The configured database URL, or the SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'vignette.db').resolve()}"

    @property
    def images_dir(self) -> Path:
        """Where local image files live."""
        return self.data_dir / "images"

    @property
    def metrics_directory(self) -> Path:
        """Where this host's processes write their metric files."""
        return self.metrics_dir or self.data_dir / "run" / "metrics"

    @property
    def uploads_dir(self) -> Path:
        """Uploaded book files, content-addressed, kept until their import ends."""
        return self.data_dir / "uploads"

    @property
    def providers(self) -> list[str]:
        """The provider chain as a list of names."""
        return [p.strip() for p in self.provider_chain.split(",") if p.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()

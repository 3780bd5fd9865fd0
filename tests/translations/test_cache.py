"""The persistent translation cache on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from tests.support.backends import Backend, new_backend
from tests.support.fake import SECRET, FakeServer
from vignette.db.migrate import alembic_config, upgrade
from vignette.db.models.translations import TranslationCache  # registers the table
from vignette.db.session import Database
from vignette.prompts.translation import LLMTranslator, NoTranslator
from vignette.translations.repository import lookup, store, text_hash
from vignette.translations.service import cached_translation, translate_with_cache

PASSAGE = "Старый дом в лесу ночью"
ENGLISH = "English: Old house in lesu at night"


@pytest.fixture
def url(backend_name: str, tmp_path: Path) -> Iterator[str]:
    backend: Backend = new_backend(backend_name)
    database_url = backend.database_url or f"sqlite:///{tmp_path / 'v.db'}"
    upgrade(database_url)
    yield database_url
    backend.drop()


@pytest.fixture
def db(url: str) -> Iterator[Database]:
    database = Database(url)
    yield database
    database.dispose()


def llm(fake: FakeServer, model: str = "gpt-4o-mini") -> LLMTranslator:
    return LLMTranslator(fake.url, SECRET, model, timeout=5.0)


def rows(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(TranslationCache)) or 0


def test_migration_creates_the_table_keyed_by_the_triple(db: Database, url: str) -> None:
    inspector = inspect(db.engine)
    columns = {c["name"] for c in inspector.get_columns("translation_cache")}
    assert columns == {"text_sha256", "target_language", "translator", "translated", "created_at"}
    key = inspector.get_pk_constraint("translation_cache")["constrained_columns"]
    assert key == ["text_sha256", "target_language", "translator"]
    db.dispose()
    command.downgrade(alembic_config(url), "0002")
    assert "translation_cache" not in inspect(db.engine).get_table_names()
    upgrade(url)


def test_second_call_is_served_from_the_cache(db: Database, fake: FakeServer) -> None:
    translator = llm(fake)
    with db.write() as s:
        first = cached_translation(s, translator, PASSAGE, "en")
    with db.write() as s:
        second = cached_translation(s, translator, PASSAGE, "en")

    assert (first.text, first.translated, first.cached) == (ENGLISH, True, False)
    assert (second.text, second.translated, second.cached) == (ENGLISH, True, True)
    assert first.error is None
    assert second.error is None
    assert fake.outcomes("chat") == {"ok": 1}
    with db.read() as s:
        row = s.scalars(select(TranslationCache)).one()
    assert (row.text_sha256, row.target_language, row.translator) == (
        text_hash(PASSAGE), "en", translator.name,
    )  # fmt: skip
    assert PASSAGE not in row.translated
    assert row.created_at.tzinfo is not None


def test_the_cache_survives_a_restart(url: str, fake: FakeServer) -> None:
    before = Database(url)
    with before.write() as s:
        cached_translation(s, llm(fake), PASSAGE)
    before.dispose()

    after = Database(url)  # a new engine, as a restarted worker would build
    with after.read() as s:
        assert lookup(s, llm(fake), PASSAGE, target="en") == ENGLISH
    with after.write() as s:
        outcome = cached_translation(s, llm(fake), PASSAGE)
    after.dispose()
    assert outcome.cached
    assert fake.outcomes("chat") == {"ok": 1}


def test_whitespace_variants_share_an_entry(db: Database, fake: FakeServer) -> None:
    with db.write() as s:
        cached_translation(s, llm(fake), PASSAGE)
        again = cached_translation(s, llm(fake), f"  {PASSAGE.replace(' ', chr(10))}  ")
    assert again.cached
    assert fake.outcomes("chat") == {"ok": 1}


def test_translator_and_target_are_part_of_the_key(db: Database, fake: FakeServer) -> None:
    with db.write() as s:
        cached_translation(s, llm(fake), PASSAGE, "en")
        other_model = cached_translation(s, llm(fake, "other-model"), PASSAGE, "en")
        other_target = cached_translation(s, llm(fake), PASSAGE, "de")
    assert not other_model.cached
    assert not other_target.cached
    assert fake.outcomes("chat") == {"ok": 3}
    assert rows(db) == 3


def test_a_failure_falls_back_to_the_original_and_is_not_cached(
    db: Database, fake: FakeServer
) -> None:
    fake.force(chat="503")
    with db.write() as s:
        outcome = cached_translation(s, llm(fake), PASSAGE)
    assert (outcome.text, outcome.translated, outcome.cached) == (PASSAGE, False, False)
    assert outcome.error is not None
    assert "HTTP 503" in outcome.error
    assert SECRET not in outcome.error
    assert rows(db) == 0

    fake.force(chat=None)
    with db.write() as s:
        retried = cached_translation(s, llm(fake), PASSAGE)
    assert (retried.text, retried.cached) == (ENGLISH, False)
    assert fake.outcomes("chat") == {"503": 1, "ok": 1}


def test_english_text_and_no_translator_skip_the_call_and_the_cache(
    db: Database, fake: FakeServer
) -> None:
    english = "The old house in the forest at night."
    with db.write() as s:
        skipped = cached_translation(s, llm(fake), english)
        off = cached_translation(s, NoTranslator(), PASSAGE)
    assert (skipped.text, skipped.translated, skipped.error) == (english, False, None)
    assert (off.text, off.translated, off.error) == (PASSAGE, False, None)
    assert fake.outcomes("chat") == {}
    assert rows(db) == 0


def test_translate_with_cache_calls_outside_a_transaction(db: Database, fake: FakeServer) -> None:
    first = translate_with_cache(db.read, db.write, llm(fake), PASSAGE)
    second = translate_with_cache(db.read, db.write, llm(fake), PASSAGE)
    assert (first.text, first.cached, second.text, second.cached) == (ENGLISH, False, ENGLISH, True)
    assert fake.outcomes("chat") == {"ok": 1}

    fake.force(chat="timeout")
    quick = LLMTranslator(fake.url, SECRET, "gpt-4o-mini", timeout=0.5)
    failed = translate_with_cache(db.read, db.write, quick, "Луна над морем")
    assert failed.error is not None
    assert (failed.text, failed.translated) == ("Луна над морем", False)
    assert rows(db) == 1


def test_concurrent_inserts_of_one_key_do_not_raise(db: Database, fake: FakeServer) -> None:
    translator = llm(fake)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def insert(value: str) -> None:
        try:
            start.wait()
            with db.write() as s:
                store(s, translator, PASSAGE, target="en", value=value)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=insert, args=(f"v{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert rows(db) == 1
    with db.write() as s:
        # In one transaction too: a clash with a row already there leaves it as it was.
        winner = lookup(s, translator, PASSAGE, target="en")
        store(s, translator, PASSAGE, target="en", value="late")
        assert lookup(s, translator, PASSAGE, target="en") == winner
    assert winner in {"v0", "v1", "v2", "v3"}

"""The web reader's string catalogs: Russian has every English string (with all plural forms),
and every key the modules ask for exists."""

from __future__ import annotations

import re

from vignette.web.pages import STATIC

STRINGS = STATIC / "strings"
ENTRY = re.compile(r'^\s*"([\w.]+)":\s*(.*?),?\s*$', re.MULTILINE)  # one entry a line


def _catalog(name: str) -> dict[str, str]:
    text = (STRINGS / f"{name}.js").read_text()
    return {m.group(1): m.group(2) for m in ENTRY.finditer(text)}


def test_russian_has_every_english_string_with_its_plural_forms() -> None:
    en, ru = _catalog("en"), _catalog("ru")
    assert len(en) > 100
    assert set(ru) == set(en)
    for key, value in ru.items():
        if value.startswith("{"):
            for form in ("one", "few", "many", "other"):
                assert f"{form}:" in value, f"{key} lacks the Russian plural form {form}"
        assert value != en[key] or key == "app.title", f"{key} is not translated"


def test_every_key_the_modules_use_is_in_the_catalog() -> None:
    en = _catalog("en")
    used: set[str] = set()
    for module in STATIC.rglob("*.js"):
        used.update(re.findall(r'\bt\("([\w.]+)"', module.read_text()))
    html = (STATIC / "index.html").read_text()
    used.update(re.findall(r'data-i18n(?:-label)?="([\w.]+)"', html))
    assert used, "no keys found"
    assert sorted(used - set(en)) == []

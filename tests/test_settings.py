"""Settings: every field documented, the documentation page in step, env and TOML both read."""

from __future__ import annotations

from pathlib import Path

from kb.settings import Settings
from kb.settings_docs import render

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_has_a_description():
    missing = [name for name, field in Settings.model_fields.items() if not (field.description or "").strip()]
    assert missing == []


def test_configuration_page_matches_the_settings_class():
    page = (PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == render(), "docs/configuration.md is stale: run `python -m kb.settings_docs > docs/configuration.md`"


def test_environment_overrides_config_file(tmp_path, monkeypatch):
    config = tmp_path / "kb.toml"
    config.write_text('chunk_tokens = 200\nsearch_k = 7\nlanguages = ["id", "en"]\n', encoding="utf-8")
    monkeypatch.setenv("KB_CONFIG", str(config))
    monkeypatch.setenv("KB_SEARCH_K", "3")
    settings = Settings()
    assert settings.chunk_tokens == 200
    assert settings.search_k == 3
    assert settings.languages == ["id", "en"]


def test_invalid_value_is_rejected(monkeypatch):
    import pydantic
    import pytest

    monkeypatch.setenv("KB_CHUNK_TOKENS", "4096")
    with pytest.raises(pydantic.ValidationError, match="chunk_tokens"):
        Settings()

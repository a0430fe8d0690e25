"""Settings: declared once, documented, and read from arguments, environment and file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from registry.settings import OfficeProfile, Settings, Weekday, load_settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def _env_names(model: type[BaseModel], prefix: str) -> Iterator[str]:
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _env_names(annotation, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}"


def test_every_setting_is_documented_with_help() -> None:
    text = DOCS.read_text(encoding="utf-8")
    names = list(_env_names(Settings, "RESIDEGI_"))
    assert "RESIDEGI_OFFICE__SIGNATORY_NAME" in names  # the walk reaches nested settings
    missing = [name for name in names if f"`{name}`" not in text]
    assert missing == []
    for model in (Settings, OfficeProfile):
        assert all(field.description for field in model.model_fields.values())


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    import os

    for key in list(os.environ):
        if key.startswith("RESIDEGI_"):
            monkeypatch.delenv(key)
    return monkeypatch


def test_file_then_environment_then_arguments(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    (tmp_path / "residegi.toml").write_text(
        'timezone = "Asia/Kabul"\nreminder_deadline_days = 7\n[office]\nsignatory_name = "الف"\n',
        encoding="utf-8",
    )
    settings = load_settings(home=tmp_path)
    assert (settings.timezone, settings.reminder_deadline_days) == ("Asia/Kabul", 7)
    assert settings.office.signatory_name == "الف"
    clean_env.setenv("RESIDEGI_TIMEZONE", "Asia/Tehran")
    clean_env.setenv("RESIDEGI_OFFICE__SIGNATORY_NAME", "ب")
    settings = load_settings(home=tmp_path)
    assert settings.timezone == "Asia/Tehran"
    assert settings.office.signatory_name == "ب"
    assert load_settings(home=tmp_path, timezone="UTC").timezone == "UTC"


def test_home_from_environment_finds_its_file(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    (tmp_path / "residegi.toml").write_text("duplicate_window_days = 30\n", encoding="utf-8")
    clean_env.setenv("RESIDEGI_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.home == tmp_path
    assert settings.duplicate_window_days == 30
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    assert settings.resolved_archive_url == str(tmp_path / "archive")


def test_defaults(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    settings = load_settings(home=tmp_path)
    assert settings.timezone == "Asia/Tehran"
    assert settings.weekend == [Weekday.THURSDAY, Weekday.FRIDAY]
    assert settings.weekend_python_days == frozenset({3, 4})
    assert set(settings.reply_deadline_days.values()) == {10}
    assert settings.attachment_max_bytes == 20 * 1024 * 1024
    assert settings.office.number_format == "{year}/{series}/{seq}"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"office": {"number_format": "{year}-{seq}"}}, "number_format"),
        ({"weekend": ["caturday"]}, "weekend"),
        ({"reminder_deadline_days": 0}, "reminder_deadline_days"),
        ({"no_such_setting": 1}, "no_such_setting"),
    ],
)
def test_bad_settings_are_refused(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError, match=field):
        Settings(home=tmp_path, **overrides)

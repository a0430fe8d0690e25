"""Every error code the code base raises has its Persian message, which formats cleanly."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

from office.messages import GENERIC, MESSAGES, staff_message
from registry.errors import ResidegiError

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("registry", "generators", "archive", "office", "flows", "cli")


def error_classes() -> set[str]:
    names = set()
    for package in ("registry.errors", "archive.errors", "generators.errors"):
        module = importlib.import_module(package)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, ResidegiError):
                names.add(name)
    return names


def raised_codes() -> set[str]:
    classes = "|".join(sorted(error_classes()))
    patterns = [
        re.compile(rf"\b(?:{classes})\(\s*\"([a-z0-9_]+)\""),
        re.compile(r"super\(\).__init__\(\s*\"([a-z0-9_]+)\""),
        re.compile(r"\bcode: str = \"([a-z0-9_]+)\""),
        re.compile(r"^\s*code = \"([a-z0-9_]+)\"", re.MULTILINE),  # handed to a helper
        re.compile(r"\b_refused\(\s*\"([a-z0-9_]+)\""),
    ]
    codes = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for pattern in patterns:
                codes.update(pattern.findall(text))
    return codes


def test_the_scan_finds_codes_of_every_package() -> None:
    codes = raised_codes()
    for known in ("invalid_national_id", "attachment_too_large", "render_warning", "reply_exists"):
        assert known in codes


def test_every_raised_code_has_a_persian_message() -> None:
    missing = sorted(code for code in raised_codes() if code not in MESSAGES)
    assert missing == []


def test_messages_format_with_typical_params() -> None:
    params = {
        "value": "x", "field": "mobile", "number": "1405/ص/1", "tracking_code": "123",
        "from_state": "registered", "to_state": "closed", "limit": 20 * 1024 * 1024,
        "path": "a.pdf", "name": "n", "hints": "", "kind": "referral", "home": "/h",
        "sha256": "0" * 64, "date": "1405/01/01", "since": "1405/01/01", "sent": "1405/01/01",
        "due_date": "1405/01/02", "their_number": "77", "their_date": "1405/01/03",
        "remaining": 3, "start": "1405/01/01", "end": "1405/01/02", "url": "file:///x",
        "template": "t", "where": "w", "variable": "v", "messages": "m", "recipient": "r",
        "fields": "f", "problems": "p", "detail": "d", "size": 1, "reason": "r", "allowed": "a",
        "inspector": "i", "current": "0003", "head": "0004", "roles": "r", "role": "r",
        "username": "u", "minimum": 10, "seconds": 15,
        "what": "w", "tool": "pg_dump", "backup": "sqlite", "target": "postgresql",
        "free_mb": 3, "need_mb": 64, "limit_pixels": 100,
        "method": "پست",
        "draft": 7, "state": "پیش‌نویس",
        "clearance": "محرمانه", "level": "سری",
    }  # fmt: skip
    for code in MESSAGES:
        text = staff_message(code, params)
        assert text != GENERIC.format(code=code), code
        assert "{" not in text and "}" not in text, code

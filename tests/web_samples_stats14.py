"""Samples for the role matrix (tests/test_web_roles.py) from the service's figures
(stats14): /stats, /stats.csv and /stats/report.pdf take no path parameter and accept no
POST, so there is nothing to add; the file keeps the pattern, one update line each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.web_support import DeskUnderTest

Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]

PATH_VALUES: dict[str, Callable[[DeskUnderTest], dict[str, str]]] = {}
POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {}

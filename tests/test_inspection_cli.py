"""``residegi inspect`` and ``residegi report`` end to end: JSON keys, letters, states."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_support import Cli
from tests.test_inspection import FINDINGS
from tests.test_letter_export import referral


def test_inspect_add_findings_then_report(cli: Cli, tmp_path: Path) -> None:
    referral(cli, tmp_path)
    (letter,) = cli.json("letter", "list")
    code = str(letter["tracking_code"])
    assigned = cli.json("inspect", code, "--inspector", "حسن موسوی", "--date", "1405/09/04")
    assert assigned == {
        "tracking_code": code,
        "state": "under_inspection",
        "letter_number": "1405/ص/2",
        "draft": None,
    }
    got, out, _ = cli("report", code, "--json")
    assert (got, json.loads(out)["error"]["code"]) == (4, "findings_missing")
    findings = tmp_path / "findings.txt"
    findings.write_text(FINDINGS, encoding="utf-8")
    added = cli.json("inspect", code, "--inspector", "حسن موسوی", "--findings-file", str(findings))
    assert added["letter_number"] is None
    got, out, err = cli("report", code)
    assert got == 0, err
    assert "۱۴۰۵/ص/۳" in out
    kinds = [(row["kind"], row["state"]) for row in cli.json("letter", "list")]
    assert kinds == [
        ("referral", "sent"),
        ("inspection_assignment", "sent"),
        ("inspection_report", "sent"),
    ]

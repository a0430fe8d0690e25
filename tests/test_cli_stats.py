"""``residegi stats`` on the hand-computed scenario of tests/test_stats.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from office.runtime import Runtime
from registry.db import transaction
from registry.settings import Settings
from tests.cli_support import Cli
from tests.letters_support import pdf_text
from tests.test_stats import _scenario


def _with_scenario(cli: Cli) -> None:
    runtime = Runtime(Settings(home=cli.home))
    with transaction(runtime.sessions) as session:
        _scenario(session)
    runtime.close()


def test_stats_json_csv_and_pdf(cli: Cli, tmp_path: Path) -> None:
    _with_scenario(cli)
    data = cli.json("stats", "--month", "۱۴۰۵/۰۹")
    assert data["period"]["code"] == "1405/09"
    assert data["served"] == {
        "complainants": 3,
        "cases": 4,
        "median_days": 22.5,
        "average_days": 29.3,  # 29.25, half up
        "median_working_days": 15.5,
        "average_working_days": 20.3,  # 20.25
        "visits_per_case": 1.25,
    }
    # The training clock stands at 1405/09/04 (2026-11-25): referrals due before it only.
    city = next(row for row in data["agencies"] if row["agency"] == "شهرداری قزوین")
    assert (city["replies"], city["median_working_days"], city["p90_working_days"]) == (5, 5, 10.2)
    assert (city["due"], city["overdue"]) == (0, 0)
    assert cli.json("stats", "--season", "1405/3")["served"]["cases"] == 5
    assert cli.json("stats", "--year", "1405")["served"]["cases"] == 6
    code, out, _ = cli("stats", "--month", "1405/09", "--format", "csv")
    assert code == 0 and out.splitlines()[0] == "period,section,item,measure,value"
    assert "1405/09,served,,visits_per_case,1.25" in out.splitlines()
    report = tmp_path / "azar.pdf"
    code, out, _ = cli("stats", "--month", "1405/09", "--format", "pdf", "-o", str(report))
    assert code == 0 and "آذر ۱۴۰۵" in pdf_text(report.read_bytes())
    code, out, _ = cli("stats")
    assert code == 0 and "آذر ۱۴۰۵" in out and "۲۲٫۵" in out


def test_a_bad_period_exits_2(cli: Cli) -> None:
    for args in (
        ["--month", "1405/13"],
        ["--month", "1405"],
        ["--year", "1405", "--month", "1405/01"],
    ):
        code, out, _ = cli("stats", *args, "--json")
        assert code == 2 and '"invalid_period"' in out, args


def test_attach_and_close_say_how_things_came(cli: Cli, tmp_path: Path) -> None:
    """``complaint attach --channel`` is recorded on the attach; a channel that is none, on
    attach or on close (``--collected``), is bad input and writes nothing."""
    from sqlalchemy import select

    from registry.models import Event
    from tests.cli_support import register_args
    from tests.factories import pdf_file

    tracking = cli.json(*register_args(tmp_path))["tracking_code"]
    scan = pdf_file(tmp_path / "more.pdf")
    code, out, _ = cli(
        "complaint", "attach", tracking, "--attach", f"other={scan}", "--channel", "mail"
    )
    assert code == 0, out
    code, out, _ = cli(
        "complaint", "attach", tracking, "--attach", f"other={scan}", "--channel", "fax"
    )
    assert code == 2
    code, out, _ = cli("complaint", "close", tracking, "--collected", "pigeon", "--json")
    assert code == 2 and '"invalid_option"' in out
    runtime = Runtime(Settings(home=cli.home))
    with runtime.sessions() as session:
        attached: list[dict[str, Any] | None] = list(
            session.scalars(select(Event.data).where(Event.action == "documents_attached"))
        )
    runtime.close()
    assert [data["channel"] for data in attached if data] == ["mail"]

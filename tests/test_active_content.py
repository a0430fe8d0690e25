"""A filed PDF with active content (JavaScript, an open action, a Launch or URI action,
additional actions, an embedded file): the original stays in the archive untouched and
marked, the office's dossier gets a sanitized copy, and staff are warned (issue 17, item 5)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from sqlalchemy import select

from archive.sanitize import find_active_content, sanitized_pdf
from archive.store import ArchiveStore
from registry.db import make_engine, session_factory
from registry.models import ArchiveObject
from tests.cli_support import Cli, register_args


def hostile_pdf(path: Path) -> bytes:
    """A one-page PDF that runs JavaScript on opening, launches a program when its page
    opens, links out and carries an executable file."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 300))
    script = Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String("app.alert('pwned')"))
    pdf.Root.OpenAction = pdf.make_indirect(script)
    pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.Launch, F=String("calc.exe")))
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 50, 50]),
        A=Dictionary(S=Name.URI, URI=String("http://attacker.example/")),
    )
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(link)])
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ-not-really")
    pdf.save(path)
    return path.read_bytes()


def test_hostile_pdf_is_found_and_sanitized_deterministically(tmp_path: Path) -> None:
    data = hostile_pdf(tmp_path / "hostile.pdf")
    assert set(find_active_content(data)) >= {"javascript", "open_action", "uri", "embedded_files"}
    clean = sanitized_pdf(data)
    assert find_active_content(clean) == ()
    assert clean == sanitized_pdf(data)
    for marker in (b"pwned", b"calc.exe", b"attacker.example", b"MZ-not-really"):
        assert marker not in clean
    with (
        pikepdf.open(tmp_path / "hostile.pdf") as original,
        pikepdf.Pdf.open(io.BytesIO(clean)) as copy,
    ):
        assert len(copy.pages) == len(original.pages)


def test_filed_hostile_pdf_is_kept_marked_and_passed_on_sanitized(cli: Cli, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.pdf"
    data = hostile_pdf(hostile)
    code, _, err = cli(*register_args(tmp_path, "--attach", f"other={hostile}"))
    assert code == 0, err
    assert "محتوای فعال" in err and "hostile.pdf" in err
    tracking = cli.json("complaint", "list")[0]["tracking_code"]

    engine = make_engine(f"sqlite:///{cli.home / 'registry.sqlite3'}")
    with session_factory(engine)() as session:
        rows = session.scalars(select(ArchiveObject)).all()
    engine.dispose()
    original = hashlib.sha256(data).hexdigest()
    (kept,) = [row for row in rows if row.sha256 == original]
    assert kept.role == "active_content"
    (copy,) = [row for row in rows if row.derived_from == original]
    assert copy.role == "derived" and copy.original_name == "hostile.sanitized.pdf"
    store = ArchiveStore(str(cli.home / "archive"))
    assert store.get(original) == data  # untouched
    assert find_active_content(store.get(copy.sha256)) == ()

    dossier = tmp_path / "dossier.pdf"
    assert cli("dossier", tracking, "-o", str(dossier))[0] == 0
    made = dossier.read_bytes()
    assert find_active_content(made) == ()
    for marker in (b"pwned", b"calc.exe", b"attacker.example", b"MZ-not-really"):
        assert marker not in made
    assert cli("archive", "verify")[0] == 0


def test_register_json_names_the_files_with_active_content(cli: Cli, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.pdf"
    hostile_pdf(hostile)
    code, out, _ = cli(*register_args(tmp_path, "--attach", f"other={hostile}", "--json"))
    assert code == 0
    assert json.loads(out)["active_content"] == ["hostile.pdf"]

"""Vazirmatn embedded in every DOCX letter (ECMA-376 Part 1, §17.8.1 and §17.8.3.3).

A DOCX that only names Vazirmatn is set in a fallback font wherever Vazirmatn is not
installed: the letterhead wraps and «بسمه تعالی» runs into «شماره».  Word and LibreOffice
read fonts embedded the standard way: each face as an obfuscated part (``word/fonts/*.odttf``,
the first 32 bytes XOR-ed with the reversed bytes of a GUID, the ``w:fontKey``), referenced
from the font table (``w:embedRegular``/``w:embedBold``), and ``w:embedTrueTypeFonts`` in the
settings.  The GUIDs derive from the font bytes, so a letter's bytes stay the same.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid

from generators.environment import TEMPLATES_DIR

FONT = "Vazirmatn"
# (w:embedX element, file in letter_templates/fonts/, relationship id, part name)
FACES = (
    ("embedRegular", "Vazirmatn-Regular.ttf", "rIdResidegiFont1", "word/fonts/font1.odttf"),
    ("embedBold", "Vazirmatn-Bold.ttf", "rIdResidegiFont2", "word/fonts/font2.odttf"),
)
_FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
_ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_TABLE_RELS = "word/_rels/fontTable.xml.rels"


def font_key(data: bytes) -> str:
    """The face's ``w:fontKey``: a GUID derived from its bytes, in braces, upper case."""
    digest = hashlib.sha256(data).hexdigest()
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"residegi-font:{digest}")).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 font obfuscation: the first 32 bytes XOR-ed with the key's 16 bytes, the
    key read from the GUID's hex digits last byte first.  Its own inverse."""
    secret = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ secret[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


@functools.lru_cache(maxsize=1)
def _faces() -> tuple[tuple[str, str, str, str, bytes], ...]:
    found = []
    for element, file_name, rid, part in FACES:
        data = (TEMPLATES_DIR / "fonts" / file_name).read_bytes()
        key = font_key(data)
        found.append((element, key, rid, part, obfuscate(data, key)))
    return tuple(found)


def _font_entry() -> str:
    embeds = "".join(
        f'<w:{element} r:id="{rid}" w:fontKey="{key}"/>' for element, key, rid, _, _ in _faces()
    )
    return (
        f'<w:font w:name="{FONT}"><w:charset w:val="00"/><w:family w:val="auto"/>'
        f'<w:pitch w:val="variable"/>{embeds}</w:font>'
    )


def embed_fonts(members: dict[str, bytes]) -> dict[str, bytes]:
    """The template's parts (name → bytes) with Vazirmatn embedded; other parts unchanged."""
    out = dict(members)
    table = out["word/fontTable.xml"].decode("utf-8")
    table = re.sub(r'<w:font w:name="Vazirmatn">.*?</w:font>', "", table, flags=re.DOTALL)
    out["word/fontTable.xml"] = table.replace("</w:fonts>", _font_entry() + "</w:fonts>").encode()
    settings = out["word/settings.xml"].decode("utf-8")
    if "<w:embedTrueTypeFonts" not in settings:
        # Schema order: after w:zoom (and the few optional flags we never set).
        settings = re.sub(r"(<w:zoom [^>]*/>)", r"\1<w:embedTrueTypeFonts/>", settings, count=1)
    out["word/settings.xml"] = settings.encode()
    types = out["[Content_Types].xml"].decode("utf-8")
    if 'Extension="odttf"' not in types:
        types = types.replace(
            "<Default ", f'<Default Extension="odttf" ContentType="{_ODTTF}"/><Default ', 1
        )
    out["[Content_Types].xml"] = types.encode()
    rels = "".join(
        f'<Relationship Id="{rid}" Type="{_FONT_REL}" Target="{part.removeprefix("word/")}"/>'
        for _, _, rid, part, _ in _faces()
    )
    out[FONT_TABLE_RELS] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{rels}</Relationships>"
    ).encode()
    for _, _, _, part, data in _faces():
        out[part] = data
    return out

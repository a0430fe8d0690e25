"""A flipped byte anywhere in a signature's value (the CMS in /Contents) is a failed
signature (exit 5, ``signature_invalid``), never ``pdf_unreadable``: the file was read, its
signature does not hold (issue 17)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import test_verify_cli
from tests.cli_support import Cli
from tests.test_verify_cli import archive, signed_with_office_key

cli = test_verify_cli.cli  # a data folder whose key has a passphrase (a fixture)


def signature_value(data: bytes) -> tuple[int, int]:
    """Where the DER of the (last) signature's value lies in the file: start, end."""
    found = list(re.finditer(rb"/Contents\s*<([0-9a-fA-F]+)>", data))[-1]
    digits = found.group(1)
    return found.start(1), found.start(1) + len(digits.rstrip(b"0"))


# Hex digits back from the end of the DER: the RSA signature value (its last 512 digits),
# then the signed attributes before it, where a flip used to make pyHanko raise.
@pytest.mark.parametrize("back", [20, 200, 500, 800, 1000, 1150])
def test_a_flipped_byte_in_the_signature_value_is_a_failed_signature(
    cli: Cli, tmp_path: Path, back: int
) -> None:
    assert cli("keys", "init")[0] == 0
    path = signed_with_office_key(cli, tmp_path)
    archive(cli, path)
    data = bytearray(path.read_bytes())
    start, end = signature_value(bytes(data))
    at = end - back
    assert at > start
    data[at] = ord("1") if data[at] != ord("1") else ord("2")  # still a hex digit
    bad = tmp_path / "flipped.pdf"
    bad.write_bytes(bytes(data))
    code, out, err = cli("verify", str(bad), "--json")
    assert code == 5, err
    record = json.loads(out)
    assert record["error"]["code"] == "signature_invalid", record
    assert record["valid"] is False

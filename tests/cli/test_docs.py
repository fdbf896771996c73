"""docs/cli.md is generated from the commands' --help by cog and must be current."""

from __future__ import annotations

from pathlib import Path

from cogapp import Cog

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current(capsys: object) -> None:
    status = Cog().main(["cog", "--check", str(DOC)])
    assert status == 0, "docs/cli.md is out of date: run `cog -r docs/cli.md`"


def test_cli_reference_documents_every_command() -> None:
    from writersroom.cli import COMMANDS

    text = DOC.read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"### `writersroom {name}`" in text

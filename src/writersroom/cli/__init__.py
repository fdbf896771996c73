"""The `writersroom` command line: one module per command group, loaded on first use.

Library errors (WritersroomError) and file-system errors (OSError: a missing folder, a file where
a folder should be, no permission) become one-line messages with exit code 1; anything else is a
bug and shows its traceback.
"""

from __future__ import annotations

import errno
import importlib
import importlib.util
from typing import Any

import click

from writersroom.config import load_settings
from writersroom.errors import WritersroomError

# command name -> "module:attribute"; modules live in writersroom/cli/.
COMMANDS: dict[str, str] = {
    "convert": "writersroom.cli.convert:convert",
    "report": "writersroom.cli.report:report",
    "generate": "writersroom.cli.generate:generate",
    "models": "writersroom.cli.models:models",
    "log": "writersroom.cli.models:log",
    "new": "writersroom.cli.story:new",
    "show": "writersroom.cli.story:show",
    "edit": "writersroom.cli.story:edit",
    "regenerate": "writersroom.cli.story:regenerate",
    "resume": "writersroom.cli.story:resume",
    "export": "writersroom.cli.story:export",
    "evaluate": "writersroom.cli.evaluate:evaluate",
    "corpus": "writersroom.cli.train:corpus",
    "train": "writersroom.cli.train:train",
    "export-model": "writersroom.cli.train:export_model",
    "revise": "writersroom.cli.revise:revise",
    "changes": "writersroom.cli.revise:changes",
    "check": "writersroom.cli.revise:check",
    "serve": "writersroom.cli.serve:serve",
    "users": "writersroom.cli.users:users",
    "voices": "writersroom.cli.voices:voices",
    "dialogue": "writersroom.cli.voices:dialogue",
    "style": "writersroom.cli.voices:style",
}


def _available(name: str) -> bool:
    module = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module) is not None


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (keeps `--help` fast)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if _available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module_name, attr = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command), f"{COMMANDS[cmd_name]} is not a click command"
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WritersroomError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:  # the file system's boundary: a path the user gave or holds
            if exc.errno == errno.EPIPE:
                raise  # stdout closed early (`| head`): click exits quietly
            where = f"{exc.filename}: " if exc.filename else ""
            message = exc.strerror or " ".join(str(exc).split())
            raise click.ClickException(
                f"{where}{message}; check the path and its permissions"
            ) from exc


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="writersroom")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """writersroom: draft, revise, evaluate and format screenplays, offline by default."""
    ctx.obj = load_settings()

"""`writersroom users`: accounts of the web app."""

from __future__ import annotations

import sys

import click

from writersroom.cli.serve import database_errors
from writersroom.config import Settings
from writersroom.errors import MissingExtra, WritersroomError


@click.group()
def users() -> None:
    """Manage the web app's accounts.

    Example: echo "$PASSWORD" | writersroom users add ana@example.com --password-stdin --admin
    """


@users.command("add")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from stdin.")
@click.option("--name", default="", help="Display name (default: the part of the email before @).")
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@click.option(
    "--db",
    "db_url",
    default=None,
    help="Database URL (default: SQLite in $WRITERSROOM_HOME/web.db).",
)
@click.pass_obj
def add(
    settings: Settings, email: str, password_stdin: bool, name: str, admin: bool, db_url: str | None
) -> None:
    """Create an account (the password is hashed with argon2id).

    Example: printf '%s' "$PW" | writersroom users add ana@example.com --password-stdin
    """
    try:
        from writersroom.web.accounts import add_user
        from writersroom.web.db import open_engine, session_factory
        from writersroom.web.settings import web_settings
    except ImportError as exc:
        raise MissingExtra("web") from exc
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise WritersroomError("no password on stdin: pipe it in, e.g. printf '%s' \"$PW\" | ...")
    settings.home.mkdir(parents=True, exist_ok=True)
    url = web_settings(settings, db=db_url).db_url
    with database_errors(url):
        engine = open_engine(url)
    try:
        with database_errors(url), session_factory(engine)() as db:
            user = add_user(db, email, password, name=name, admin=admin)
            db.commit()
            click.echo(f"added {user.email}" + (" (admin)" if admin else ""))
    finally:
        engine.dispose()

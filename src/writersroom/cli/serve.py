"""`writersroom serve`: the writers' room in the browser (FastAPI + uvicorn)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from writersroom.config import Settings
from writersroom.errors import ConfigError, MissingExtra, one_line


@contextlib.contextmanager
def database_errors(url: str) -> Iterator[None]:
    """SQLAlchemy's boundary for the commands that open the web database: an unknown dialect,
    a file that cannot be opened, a server that refuses -- one line (password hidden)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as exc:
        try:
            shown = make_url(url).render_as_string(hide_password=True)
        except ArgumentError:
            shown = repr(url)
        reason = one_line(getattr(exc, "orig", None) or exc)
        raise ConfigError(
            f"database {shown}: {reason}; check --db (e.g. sqlite:///path/web.db)"
        ) from exc


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--db",
    "db_url",
    default=None,
    help="Database URL (default: SQLite in $WRITERSROOM_HOME/web.db).",
)
@click.option(
    "--redis",
    "redis_url",
    default=None,
    help="Redis URL: relay edits between several server processes.",
)
@click.option(
    "--origin",
    "origins",
    multiple=True,
    help="Another allowed Origin (e.g. the HTTPS name behind a proxy).",
)
@click.option("--secure-cookies", is_flag=True, help="Send the session cookie only over HTTPS.")
@click.pass_obj
def serve(
    settings: Settings,
    host: str,
    port: int,
    db_url: str | None,
    redis_url: str | None,
    origins: tuple[str, ...],
    secure_cookies: bool,
) -> None:
    """Serve the web app: accounts, projects and live co-writing on one shared script.

    Example: writersroom serve --port 8000
    """
    try:
        import uvicorn

        from writersroom.web.app import create_app
        from writersroom.web.settings import web_settings
    except ImportError as exc:
        raise MissingExtra("web") from exc
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"--redis {redis_url!r}: use a redis://, rediss:// or unix:// URL")
    web = web_settings(
        settings, db=db_url, redis=redis_url, origins=origins, secure_cookies=secure_cookies
    )
    settings.home.mkdir(parents=True, exist_ok=True)
    with database_errors(web.db_url):
        app = create_app(web)
    click.echo(f"writersroom: http://{host}:{port}", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        ws_max_size=web.message_limit,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )

"""`writersroom serve`: the writers' room in the browser (FastAPI + uvicorn)."""

from __future__ import annotations

import click

from writersroom.config import Settings
from writersroom.errors import MissingExtra


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
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
    web = web_settings(
        settings, db=db_url, redis=redis_url, origins=origins, secure_cookies=secure_cookies
    )
    settings.home.mkdir(parents=True, exist_ok=True)
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

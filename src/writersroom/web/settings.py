"""WebSettings: what the web app needs to know, built once at the edge from Settings and flags."""

from __future__ import annotations

from dataclasses import dataclass

from writersroom.config import Settings


@dataclass(frozen=True)
class WebSettings:
    settings: Settings
    db_url: str  # sqlite:///... (default, under $WRITERSROOM_HOME) or postgresql://...
    redis_url: str | None = None  # relay updates and presence between processes
    origins: tuple[str, ...] = ()  # extra allowed Origins (besides the server's own)
    upload_limit: int = 20 * 1024 * 1024  # bytes of an imported script
    message_limit: int = 8 * 1024 * 1024  # bytes of one websocket message
    session_days: int = 14
    login_attempts: int = 5  # failed logins per email and address per window
    login_window: float = 300.0  # seconds
    compact_every: int = 200  # stored updates per project before they become a snapshot
    secure_cookies: bool = False  # set the cookie's Secure flag (serve behind HTTPS)
    ai_workers: int = 2  # threads for blocking model jobs
    recheck_seconds: float = 5.0  # a websocket write re-reads session and role after this long


def web_settings(
    settings: Settings, *, db: str | None = None, redis: str | None = None, **options: object
) -> WebSettings:
    """Defaults: SQLite at $WRITERSROOM_HOME/web.db, no Redis."""
    url = db or f"sqlite:///{settings.home / 'web.db'}"
    return WebSettings(settings=settings, db_url=url, redis_url=redis, **options)  # type: ignore[arg-type]

"""create_app(web_settings) -> FastAPI: the writers' room (JSON API, websocket, the static SPA).

Run it with `writersroom serve`; everything the app holds lives on `app.state` (no module-level
singletons): the engine and session factory, the document store, the open rooms, the job pool,
the login limiter and, for scale-out, the Redis relay.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute

from writersroom.web.db import open_engine, session_factory
from writersroom.web.jobs import Jobs
from writersroom.web.rooms import Rooms
from writersroom.web.routes import auth, collab, comments, pages, projects, scripts, versions
from writersroom.web.security import LoginLimiter, SecurityMiddleware
from writersroom.web.settings import WebSettings
from writersroom.web.store import DocStore

STATIC = Path(__file__).parent / "static"


def _operation_id(route: APIRoute) -> str:
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def create_app(web: WebSettings) -> FastAPI:
    """The app for these settings; the database tables are created here if missing."""
    engine = open_engine(web.db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        relay = None
        if web.redis_url:
            from writersroom.web.pubsub import RedisRelay

            relay = RedisRelay(web.redis_url)
            await relay.start(app.state.rooms.remote, app.state.rooms.resync)
        app.state.rooms.start(relay)
        try:
            yield
        finally:
            await app.state.rooms.drain()
            if relay:
                await relay.stop()
            app.state.jobs.close()
            app.state.store.close()
            engine.dispose()

    app = FastAPI(
        title="writersroom",
        summary="The writers' room: projects, scripts, comments, versions and live co-writing.",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.web = web
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.store = DocStore(app.state.sessions)
    app.state.rooms = Rooms(app.state.store, compact_every=web.compact_every)
    app.state.jobs = Jobs(web.ai_workers)
    app.state.limiter = LoginLimiter(web.login_attempts, web.login_window)
    app.add_middleware(
        SecurityMiddleware, allowed_origins=web.origins, body_limit=web.upload_limit + 2**20
    )
    for module in (auth, projects, scripts, comments, versions, collab):
        app.include_router(module.router)
    _include_ai(app)
    pages.mount(app, STATIC)
    return app


def _include_ai(app: FastAPI) -> None:
    """The AI routes live in routes/ai.py (when present) and use the same seams."""
    import importlib.util

    if importlib.util.find_spec("writersroom.web.routes.ai") is not None:
        from importlib import import_module

        app.include_router(import_module("writersroom.web.routes.ai").router)

"""The single-page app: `/` and `/projects/{id}` serve static/index.html; `/static` the bundle."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles


def mount(app: FastAPI, static: Path) -> None:
    index = static / "index.html"

    def page() -> Response:
        if not index.exists():
            return PlainTextResponse("the front-end bundle is missing: run `make web`", 503)
        return FileResponse(index, headers={"cache-control": "no-cache"})

    app.add_api_route("/", page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/projects/{project_id}", page, methods=["GET"], include_in_schema=False)
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")

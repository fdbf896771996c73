"""The project's script: export (GET), import (PUT) and live page breaks (POST pages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from writersroom.errors import FormatError
from writersroom.screenplay import fountain, io
from writersroom.screenplay.limits import Limits, check_script
from writersroom.web.deps import EditorAccess, JobsDep, MemberAccess, RoomsDep, SettingsDep
from writersroom.web.pagebreaks import pagination
from writersroom.web.schemas import ExportFormat, PageBreak, PagesPublic, PagesRequest
from writersroom.web.ydoc import replace_text, text_of

router = APIRouter(prefix="/api/projects/{project_id}", tags=["scripts"])

MEDIA = {
    "fountain": "text/plain; charset=utf-8",
    "fdx": "application/xml",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def sniff(data: bytes) -> str:
    """The import format of a file's bytes: pdf, fdx or fountain."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"<?xml") or b"<FinalDraft" in head:
        return "fdx"
    return "fountain"


def to_fountain(data: bytes, fmt: str) -> str:
    """The Fountain text of an imported file (Fountain files are kept as written)."""
    doc = io.loads(data, fmt)
    if fmt == "fountain":
        return data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    return fountain.render(doc)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the file is larger than the {limit // 2**20} MB limit")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the file is larger than the {limit // 2**20} MB limit")
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/script")
async def export(
    access: MemberAccess,
    rooms: RoomsDep,
    jobs: JobsDep,
    format: Annotated[ExportFormat, Query()] = "fountain",
) -> Response:
    """The script as Fountain, FDX, PDF or HTML (any member)."""
    text = await rooms.read(access.project.id, text_of)
    if format == "fountain":
        return Response(text, media_type=MEDIA["fountain"])
    data = await jobs.run(lambda: io.dumps(fountain.parse(text), format))
    name = f"{access.project.id}.{format}"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=MEDIA[format], headers=headers)


@router.put("/script", status_code=204)
async def import_script(
    request: Request,
    access: EditorAccess,
    rooms: RoomsDep,
    jobs: JobsDep,
    web: SettingsDep,
    format: Annotated[str | None, Query(pattern="^(fountain|fdx|pdf)$")] = None,
) -> Response:
    """Replace the script with a Fountain, FDX or PDF file (editor or owner); every open
    editor sees the change as one edit."""
    data = await read_body(request, web.upload_limit)
    try:
        text = await jobs.run(to_fountain, data, format or sniff(data))
        check_script(text, Limits.from_env())
    except FormatError as exc:
        raise HTTPException(422, str(exc)) from exc
    await rooms.transact(access.project.id, lambda doc: replace_text(doc, text))
    return Response(status_code=204)


@router.post("/pages", response_model=PagesPublic)
async def pages(body: PagesRequest, access: MemberAccess) -> PagesPublic:
    """Page count and the offsets where pages start, as writersroom's paginator lays them out."""
    try:
        check_script(body.fountain, Limits.from_env())
    except FormatError as exc:
        raise HTTPException(413, str(exc)) from exc
    result = await run_in_threadpool(pagination, body.fountain)
    breaks = [PageBreak(page=p, offset=o) for p, o in result.breaks]
    return PagesPublic(pages=result.pages, breaks=breaks)

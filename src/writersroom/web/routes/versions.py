"""Named versions of the script: save, list, diff against the current text, restore."""

from __future__ import annotations

import difflib

from fastapi import APIRouter, HTTPException, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from writersroom.web.deps import EditorAccess, MemberAccess, RoomsDep, SessionDep
from writersroom.web.schemas import (
    DiffPublic,
    VersionCreate,
    VersionCreated,
    VersionPublic,
    VersionsPublic,
)
from writersroom.web.tables import Version
from writersroom.web.ydoc import replace_text, text_of

router = APIRouter(prefix="/api/projects/{project_id}/versions", tags=["versions"])


def _save(db: Session, project_id: str, name: str, author: str, text: str) -> int:
    version = Version(project_id=project_id, name=name, author=author, text=text)
    db.add(version)
    db.commit()
    return version.id


def _get(db: Session, project_id: str, version_id: int) -> Version:
    version = db.get(Version, version_id)
    if version is None or version.project_id != project_id:
        raise HTTPException(404, "no such version in this project")
    return version


def _lines(text: str) -> list[str]:
    """Lines that all end in a newline, so every diff line stands alone (a missing final
    newline is not shown as a change)."""
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(keepends=True)]


@router.get("", response_model=VersionsPublic)
def list_versions(access: MemberAccess, db: SessionDep) -> VersionsPublic:
    """The saved versions, newest first."""
    rows = db.scalars(
        select(Version).where(Version.project_id == access.project.id).order_by(Version.id.desc())
    )
    data = [
        VersionPublic(id=v.id, name=v.name, created=v.created.isoformat() + "Z", author=v.author)
        for v in rows
    ]
    return VersionsPublic(data=data)


@router.post("", response_model=VersionCreated)
async def create(
    body: VersionCreate, access: EditorAccess, db: SessionDep, rooms: RoomsDep
) -> VersionCreated:
    """Save the current text under a name (editor or owner)."""
    text = await rooms.read(access.project.id, text_of)
    vid = await run_in_threadpool(_save, db, access.project.id, body.name, access.user.email, text)
    return VersionCreated(id=vid)


@router.get("/{version_id}/diff", response_model=DiffPublic)
async def diff(
    version_id: int, access: MemberAccess, db: SessionDep, rooms: RoomsDep
) -> DiffPublic:
    """A unified diff from the version to the current text."""
    version = await run_in_threadpool(_get, db, access.project.id, version_id)
    current = await rooms.read(access.project.id, text_of)
    lines = difflib.unified_diff(
        _lines(version.text),
        _lines(current),
        fromfile=version.name,
        tofile="current",
    )
    return DiffPublic(diff="".join(lines))


@router.post("/{version_id}/restore", status_code=204)
async def restore(
    version_id: int, access: EditorAccess, db: SessionDep, rooms: RoomsDep
) -> Response:
    """Make the version the current text; the current text is saved as a version first."""
    version = await run_in_threadpool(_get, db, access.project.id, version_id)
    current = await rooms.read(access.project.id, text_of)
    name = f"Before restoring {version.name}"
    await run_in_threadpool(_save, db, access.project.id, name, access.user.email, current)
    await rooms.transact(access.project.id, lambda doc: replace_text(doc, version.text))
    return Response(status_code=204)

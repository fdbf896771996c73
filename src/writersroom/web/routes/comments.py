"""Comments: written by the server into the shared document's "comments" map."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pycrdt import Doc

from writersroom.web.deps import CommenterAccess, RoomsDep
from writersroom.web.schemas import CommentCreate, Created
from writersroom.web.ydoc import shared_map, stamp

router = APIRouter(prefix="/api/projects/{project_id}/comments", tags=["comments"])


@router.post("", response_model=Created)
async def create(body: CommentCreate, access: CommenterAccess, rooms: RoomsDep) -> Created:
    """Anchor a comment to a range of the script (commenter or above)."""
    cid = uuid.uuid4().hex
    comment = {
        "id": cid,
        "author": access.user.email,
        "text": body.text,
        "quote": body.quote,
        "start": body.start,
        "end": body.end,
        "created": stamp(),
        "resolved": False,
    }

    def put(doc: Doc[Any]) -> None:
        shared_map(doc, "comments")[cid] = comment

    await rooms.transact(access.project.id, put)
    return Created(id=cid)

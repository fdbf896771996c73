"""Dependencies of the routes: the database session, the current user, access to a project."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from writersroom.web.accounts import at_least, role_of, session_user
from writersroom.web.jobs import Jobs
from writersroom.web.rooms import Rooms
from writersroom.web.settings import WebSettings
from writersroom.web.tables import Project, User

COOKIE = "wr_session"


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as db:
        yield db


SessionDep = Annotated[Session, Depends(get_db)]


def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.web
    return settings


def get_rooms(request: Request) -> Rooms:
    rooms: Rooms = request.app.state.rooms
    return rooms


def get_jobs(request: Request) -> Jobs:
    jobs: Jobs = request.app.state.jobs
    return jobs


SettingsDep = Annotated[WebSettings, Depends(get_settings)]
RoomsDep = Annotated[Rooms, Depends(get_rooms)]
JobsDep = Annotated[Jobs, Depends(get_jobs)]


def current_user(request: Request, db: SessionDep) -> User:
    user = session_user(db, request.cookies.get(COOKIE))
    if user is None:
        raise HTTPException(401, "not logged in: POST /api/auth/login first")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


@dataclass(frozen=True)
class Access:
    project: Project
    user: User
    role: str


def _access(needed: str) -> Callable[..., Access]:
    def check(project_id: str, user: CurrentUser, db: SessionDep) -> Access:
        role = role_of(db, project_id, user)
        project = db.get(Project, project_id) if role else None
        if project is None or role is None:  # the same answer whether it exists or not
            raise HTTPException(404, "no such project among yours")
        if not at_least(role, needed):
            raise HTTPException(403, f"this needs the {needed} role or higher; yours is {role}")
        return Access(project, user, role)

    return check


def access(needed: str) -> Any:
    return Depends(_access(needed))


MemberAccess = Annotated[Access, access("viewer")]
CommenterAccess = Annotated[Access, access("commenter")]
EditorAccess = Annotated[Access, access("editor")]
OwnerAccess = Annotated[Access, access("owner")]

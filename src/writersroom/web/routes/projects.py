"""Projects and their members."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException

from writersroom.web.accounts import add_member, create_project, members_of, projects_of
from writersroom.web.deps import CurrentUser, MemberAccess, OwnerAccess, SessionDep
from writersroom.web.schemas import (
    Created,
    MemberAdded,
    MemberCreate,
    MemberPublic,
    ProjectCreate,
    ProjectDetail,
    ProjectPublic,
    ProjectsPublic,
)

router = APIRouter(prefix="/api/projects", tags=["projects"])


@router.post("", response_model=Created)
def create(body: ProjectCreate, user: CurrentUser, db: SessionDep) -> Created:
    """Start a project; its creator is the owner."""
    project = create_project(db, user, body.title)
    db.commit()
    return Created(id=project.id)


@router.get("", response_model=ProjectsPublic)
def list_projects(user: CurrentUser, db: SessionDep) -> ProjectsPublic:
    """The projects the user is a member of, with their role."""
    rows = [ProjectPublic(id=p.id, title=p.title, role=r) for p, r in projects_of(db, user)]  # type: ignore[arg-type]
    return ProjectsPublic(data=rows, count=len(rows))


@router.get("/{project_id}", response_model=ProjectDetail)
def read(access: MemberAccess, db: SessionDep) -> ProjectDetail:
    """One project with its members."""
    members = [
        MemberPublic(email=u.email, name=u.name, role=r)  # type: ignore[arg-type]
        for u, r in members_of(db, access.project.id)
    ]
    return ProjectDetail(
        id=access.project.id,
        title=access.project.title,
        role=access.role,  # type: ignore[arg-type]
        members=members,
    )


@router.post("/{project_id}/members", response_model=MemberAdded)
def add(body: MemberCreate, access: OwnerAccess, db: SessionDep) -> MemberAdded:
    """Give a user a role (owner only); an email without an account gets an invitation."""
    if "@" not in body.email:
        raise HTTPException(422, f"{body.email!r} is not an email address")
    if body.email.strip().lower() == access.user.email and body.role != "owner":
        raise HTTPException(400, "an owner cannot demote themselves; ask another owner")
    token = add_member(db, access.project.id, body.email, body.role, access.user)
    db.commit()
    status: Literal["added", "invited"] = "invited" if token else "added"
    return MemberAdded(
        email=body.email.strip().lower(), role=body.role, status=status, invitation=token
    )

"""Request and response bodies of the JSON API (XCreate / XPublic / XsPublic, STYLE.md §12)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["owner", "editor", "commenter", "viewer"]
ExportFormat = Literal["fountain", "fdx", "pdf", "html"]


class Login(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class InvitationAccept(BaseModel):
    token: str = Field(max_length=200)
    password: str = Field(min_length=8, max_length=1024)
    name: str = Field(default="", max_length=200)


class UserPublic(BaseModel):
    id: int
    email: str
    name: str


class MePublic(UserPublic):
    admin: bool


class ProjectCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)


class Created(BaseModel):
    id: str


class ProjectPublic(BaseModel):
    id: str
    title: str
    role: Role


class ProjectsPublic(BaseModel):
    data: list[ProjectPublic]
    count: int


class MemberPublic(BaseModel):
    email: str
    name: str
    role: Role


class ProjectDetail(ProjectPublic):
    members: list[MemberPublic]


class MemberCreate(BaseModel):
    email: str = Field(max_length=320)
    role: Role


class MemberAdded(BaseModel):
    email: str
    role: Role
    status: Literal["added", "invited"]
    invitation: str | None = None  # the token to pass on (POST /api/auth/accept), when invited


class PagesRequest(BaseModel):
    fountain: str = Field(max_length=20 * 1024 * 1024)


class PageBreak(BaseModel):
    page: int
    offset: int


class PagesPublic(BaseModel):
    pages: int
    breaks: list[PageBreak]


class CommentCreate(BaseModel):
    start: str = Field(max_length=1000)
    end: str = Field(max_length=1000)
    quote: str = Field(default="", max_length=10_000)
    text: str = Field(min_length=1, max_length=20_000)


class VersionCreate(BaseModel):
    name: str = Field(min_length=1, max_length=300)


class VersionPublic(BaseModel):
    id: int
    name: str
    created: str
    author: str


class VersionsPublic(BaseModel):
    data: list[VersionPublic]


class DiffPublic(BaseModel):
    diff: str


class VersionCreated(BaseModel):
    id: int

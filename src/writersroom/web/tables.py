"""The database tables (SQLAlchemy 2 typed ORM). `Base.metadata.create_all` makes them on start.

Scripts are not tables: a project's shared document lives as Yjs updates (`DocUpdate`) and one
compacted snapshot (`DocSnapshot`); the Fountain text is read out of it (STYLE.md §12).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    admin: Mapped[bool] = mapped_column(default=False)
    created: Mapped[dt.datetime] = mapped_column(default=now)


class LoginSession(Base):
    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires: Mapped[dt.datetime]


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # also the websocket room name
    title: Mapped[str] = mapped_column(String(300))
    created: Mapped[dt.datetime] = mapped_column(default=now)


class Member(Base):
    __tablename__ = "members"
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # owner, editor, commenter, viewer


class Invitation(Base):
    __tablename__ = "invitations"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    invited_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created: Mapped[dt.datetime] = mapped_column(default=now)
    accepted: Mapped[bool] = mapped_column(default=False)


class DocUpdate(Base):
    """One Yjs update, committed before it is relayed; folded into the snapshot by compaction."""

    __tablename__ = "doc_updates"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    __table_args__ = (Index("ix_doc_updates_project_seq", "project_id", "seq"),)


class DocSnapshot(Base):
    """The project's document as one Yjs update; its row is also the compaction lock."""

    __tablename__ = "doc_snapshots"
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    updated: Mapped[dt.datetime] = mapped_column(default=now)


class Version(Base):
    __tablename__ = "versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(320))
    created: Mapped[dt.datetime] = mapped_column(default=now)
    text: Mapped[str] = mapped_column(Text)

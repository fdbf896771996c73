"""Users, sessions, projects, members and invitations: plain functions over a database Session."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from writersroom.errors import WritersroomError
from writersroom.web.security import hash_password, new_token, token_hash
from writersroom.web.tables import (
    DocSnapshot,
    Invitation,
    LoginSession,
    Member,
    Project,
    User,
    now,
)

ROLES = ("viewer", "commenter", "editor", "owner")  # each can do what the ones before it can


def at_least(role: str | None, needed: str) -> bool:
    """>>> at_least("editor", "commenter"), at_least("viewer", "editor"), at_least(None, "viewer")
    (True, False, False)
    """
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def normal_email(email: str) -> str:
    return email.strip().lower()


def add_user(
    db: Session, email: str, password: str, *, name: str = "", admin: bool = False
) -> User:
    """Create an account; pending invitations for its email become memberships."""
    email = normal_email(email)
    if "@" not in email or len(email) > 320:
        raise WritersroomError(f"{email!r} is not an email address")
    if len(password) < 8:
        raise WritersroomError("the password is too short: use at least 8 characters")
    if db.scalar(select(User).where(User.email == email)):
        raise WritersroomError(f"a user {email} already exists")
    user = User(
        email=email, name=name or email.split("@")[0], password_hash=hash_password(password)
    )
    user.admin = admin
    db.add(user)
    db.flush()
    for invite in db.scalars(select(Invitation).where(Invitation.email == email)):
        if not invite.accepted:
            _join(db, invite.project_id, user.id, invite.role)
            invite.accepted = True
    return user


def user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normal_email(email)))


def start_session(db: Session, user: User, days: int) -> str:
    """A new session token (the cookie value); the database keeps only its hash."""
    token = new_token()
    expires = now() + dt.timedelta(days=days)
    db.add(LoginSession(token_hash=token_hash(token), user_id=user.id, expires=expires))
    return token


def session_user(db: Session, token: str | None) -> User | None:
    if not token:
        return None
    row = db.get(LoginSession, token_hash(token))
    if row is None:
        return None
    if row.expires < now():
        db.delete(row)
        db.commit()
        return None
    return db.get(User, row.user_id)


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


def create_project(db: Session, owner: User, title: str) -> Project:
    project = Project(id=uuid.uuid4().hex, title=title)
    db.add(project)
    db.flush()
    db.add(Member(project_id=project.id, user_id=owner.id, role="owner"))
    db.add(DocSnapshot(project_id=project.id, data=b""))
    return project


def role_of(db: Session, project_id: str, user: User | None) -> str | None:
    if user is None:
        return None
    member = db.get(Member, (project_id, user.id))
    return member.role if member else None


def projects_of(db: Session, user: User) -> list[tuple[Project, str]]:
    rows = db.execute(
        select(Project, Member.role)
        .join(Member, Member.project_id == Project.id)
        .where(Member.user_id == user.id)
        .order_by(Project.created)
    )
    return [(p, r) for p, r in rows.tuples()]


def members_of(db: Session, project_id: str) -> list[tuple[User, str]]:
    rows = db.execute(
        select(User, Member.role)
        .join(Member, Member.user_id == User.id)
        .where(Member.project_id == project_id)
        .order_by(User.email)
    )
    return [(u, r) for u, r in rows.tuples()]


def _join(db: Session, project_id: str, user_id: int, role: str) -> None:
    member = db.get(Member, (project_id, user_id))
    if member is None:
        db.add(Member(project_id=project_id, user_id=user_id, role=role))
    else:
        member.role = role


def add_member(db: Session, project_id: str, email: str, role: str, by: User) -> str | None:
    """Give an existing user a role, or invite the email: returns the invitation token, if any."""
    user = user_by_email(db, email)
    if user is not None:
        _join(db, project_id, user.id, role)
        return None
    token = new_token()
    db.add(
        Invitation(
            token_hash=token_hash(token),
            email=normal_email(email),
            project_id=project_id,
            role=role,
            invited_by=by.id,
        )
    )
    return token


def accept_invitation(db: Session, token: str, password: str, name: str = "") -> User:
    """Create the invited account (its memberships follow from add_user)."""
    invite = db.get(Invitation, token_hash(token))
    if invite is None or invite.accepted:
        raise WritersroomError("this invitation is unknown or already used; ask for a new one")
    return add_user(db, invite.email, password, name=name)

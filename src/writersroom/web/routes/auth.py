"""Log in and out, who am I, and accepting an invitation (which creates the account)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from writersroom.errors import WritersroomError
from writersroom.web.accounts import accept_invitation, end_session, start_session, user_by_email
from writersroom.web.deps import COOKIE, CurrentUser, SessionDep, SettingsDep
from writersroom.web.schemas import InvitationAccept, Login, MePublic, UserPublic
from writersroom.web.security import LoginLimiter, check_password, hash_password
from writersroom.web.settings import WebSettings
from writersroom.web.tables import User

router = APIRouter(tags=["auth"])
_DUMMY_HASH = hash_password("not a password of anyone")  # equal work for unknown emails


def _set_cookie(response: Response, token: str, web: WebSettings) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=web.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=web.secure_cookies,
        path="/",
    )


@router.post("/api/auth/login", response_model=UserPublic)
def login(
    body: Login, request: Request, response: Response, db: SessionDep, web: SettingsDep
) -> User:
    """Check the password and start a session (the wr_session cookie)."""
    limiter: LoginLimiter = request.app.state.limiter
    keys = (
        "email:" + body.email.strip().lower(),
        "addr:" + (request.client.host if request.client else ""),
    )
    if limiter.blocked(*keys):
        raise HTTPException(429, "too many failed logins: wait a few minutes and try again")
    user = user_by_email(db, body.email)
    if not check_password(user.password_hash if user else _DUMMY_HASH, body.password) or not user:
        limiter.failed(*keys)
        raise HTTPException(401, "wrong email or password")
    _set_cookie(response, start_session(db, user, web.session_days), web)
    db.commit()
    return user


@router.post("/api/auth/logout", status_code=204)
def logout(request: Request, db: SessionDep) -> Response:
    """End the session."""
    end_session(db, request.cookies.get(COOKIE))
    db.commit()
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/api/auth/accept", response_model=UserPublic)
def accept(body: InvitationAccept, response: Response, db: SessionDep, web: SettingsDep) -> User:
    """Create the invited account with a password, join its projects and log in."""
    try:
        user = accept_invitation(db, body.token, body.password, body.name)
    except WritersroomError as exc:
        raise HTTPException(400, str(exc)) from exc
    _set_cookie(response, start_session(db, user, web.session_days), web)
    db.commit()
    return user


@router.get("/api/me", response_model=MePublic)
def me(user: CurrentUser) -> User:
    """The logged-in user."""
    return user

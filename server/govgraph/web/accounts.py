"""Signing in to the pages: sessions and the CSRF protection of every form.

Accounts and their hashed passwords are govgraph.workflow.accounts'. The session cookie is signed
with the state folder's secret (govgraph.workflow.accounts.session_secret), HttpOnly, SameSite=Lax
and Secure (GOVGRAPH_INSECURE_COOKIES=1 drops Secure for a plain-HTTP server reached by another
name than localhost). Every form post outside the token-authenticated API
(govgraph.web.auth.TOKEN_PATHS) must carry the session's CSRF token (Flask-WTF), else it is
refused with 400.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect

from govgraph.web import govgraph
from govgraph.web.auth import by_token, current_principal
from govgraph.web.errors import error_page
from govgraph.workflow.accounts import AccountBook, session_secret

blueprint = Blueprint("accounts", __name__, template_folder="templates")
logger = logging.getLogger("govgraph.accounts")
csrf = CSRFProtect()
SESSION_HOURS = 8


def init_app(app: Flask) -> None:
    """Sessions, CSRF protection and the sign-in pages for `app`."""
    settings = app.extensions["govgraph"].settings
    app.config.update(
        SECRET_KEY=session_secret(settings),
        SESSION_COOKIE_NAME="govgraph_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.insecure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below, for cookie-authenticated posts only
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
    )
    csrf.init_app(app)
    app.before_request(_protect_forms)
    app.register_blueprint(blueprint)
    app.context_processor(lambda: {"signed_in": current_principal()})


def _protect_forms() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if by_token():
        return
    csrf.protect()


@blueprint.app_errorhandler(CSRFError)
def _csrf_refused(error: CSRFError):
    logger.warning("%s %s refused: %s", request.method, request.path, error.description)
    message = ("The form had expired or did not come from this site, so nothing was done. "
               "Go back, reload the page and send it again.")
    return error_page("Form refused", message), 400


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another host), else the home page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("pages.home")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form, and signing in: a fresh session on success, 401 with the form again on a
    wrong name or password."""
    target = request.values.get("next", "")
    if request.method == "GET":
        return render_template("login.html", page_title="Sign in", name="", next=target)
    name = request.form.get("name", "").strip()
    account = AccountBook.for_settings(govgraph().settings).verify(
        name, request.form.get("password", ""))
    if account is None:
        logger.warning("sign-in refused for '%s' from %s", name[:64], request.remote_addr)
        return render_template("login.html", page_title="Sign in", name=name, next=target,
                               error="That name and password do not match an account."), 401
    session.clear()  # a new session on sign-in: no fixation
    session.permanent = True
    session["account"] = account.name
    logger.info("%s signed in (%s)", account.name, account.role)
    return redirect(_safe_next(target))


@blueprint.post("/logout")
def logout():
    """Sign out (a POST, so it carries the CSRF token) and go home."""
    name = session.get("account")
    session.clear()
    if name:
        logger.info("%s signed out", name)
    return redirect(url_for("pages.home"))

"""The staff desk and the public pages: a FastAPI app over ``office``.

``create_app(settings)`` builds one app per process (``residegi serve`` runs it under
uvicorn): signed session cookies, CSRF on every state-changing request, the office's
errors shown in Persian, Vazirmatn and the vendored HTMX served with the app, and no
OpenAPI pages.
"""

from __future__ import annotations

import logging

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette_wtf import CSRFProtectMiddleware
from starlette_wtf.csrf import CSRFError

from generators.fonts import FONTS_DIR
from office.access import Forbidden
from office.failures import as_system_failure
from office.messages import UNEXPECTED
from office.runtime import Runtime
from office.setup import desk_secret
from office.users import LoginThrottled
from registry.errors import InvalidInput, NotFound, Refused, ResidegiError, SystemFailure
from registry.settings import Settings
from web import routes
from web.desk import Desk, LoginRequired, check_csrf, error_text, make_templates, page

__all__ = ["create_app"]

log = logging.getLogger("residegi.web")

STATIC = routes.WEB_ROOT / "static"
# Largest request body: the scans of one complaint (each up to the attachment limit)
# and the form around them.
MAX_FILES_PER_REQUEST = 8


class BodyLimit:
    """Refuse a request whose declared body is larger than ``limit`` bytes before reading
    it (413); uvicorn enforces the declared length, so the body cannot be longer."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            length = headers.get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.limit):
                response = Response("درخواست بزرگ‌تر از حد مجاز است.", status_code=413)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings, *, runtime: Runtime | None = None) -> FastAPI:
    """The desk for the data folder of ``settings`` (or an already built ``runtime``)."""
    runtime = runtime or Runtime(settings)
    secret = desk_secret(runtime)
    app = FastAPI(
        title="residegi",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(check_csrf)],
    )
    app.state.desk = Desk(runtime=runtime, templates=make_templates())

    # Starlette runs the last-added middleware first: sessions, then CSRF's config, then
    # the size check.
    app.add_middleware(CSRFProtectMiddleware, csrf_secret=f"csrf:{secret}")
    app.add_middleware(
        SessionMiddleware,
        secret_key=f"session:{secret}",
        session_cookie="residegi_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.session_cookie_secure,
    )
    app.add_middleware(
        BodyLimit, limit=settings.attachment_max_bytes * MAX_FILES_PER_REQUEST + 1024 * 1024
    )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/fonts", StaticFiles(directory=FONTS_DIR), name="fonts")
    for router in routes.ROUTERS:
        app.include_router(router)
    _handle_errors(app)
    return app


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={exc.path}", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> HTMLResponse:
        # A form the desk's own pages never send (a field missing, far too long): one
        # Persian sentence, never FastAPI's English JSON.
        log.info("malformed request on %s: %s", request.url.path, exc.errors())
        text = "فرم کامل یا درست فرستاده نشد؛ صفحه را دوباره باز کنید و فیلدها را پر کنید."
        return page(request, "error.html", None, status_code=400, message=text)

    @app.exception_handler(CSRFError)
    async def csrf_refused(request: Request, exc: CSRFError) -> HTMLResponse:
        log.warning("CSRF refused on %s: %s", request.url.path, exc.detail)
        text = "فرم منقضی یا نامعتبر بود؛ صفحه را دوباره باز کنید و دوباره بفرستید."
        return page(request, "error.html", None, status_code=403, message=text)

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> HTMLResponse:
        # The system failed (a full disk, a read-only folder, the database gone): one
        # Persian sentence naming what and the remedy, as the command line prints; anything
        # else is logged with its traceback and shown as the generic sentence.
        failure = as_system_failure(exc, request.app.state.desk.runtime.settings)
        if failure is not None:
            log.error("system failure on %s: %s", request.url.path, exc, exc_info=True)
            text = error_text(failure)
        else:
            log.exception("unexpected failure on %s", request.url.path)
            text = UNEXPECTED.format(detail=type(exc).__name__)
        return page(request, "error.html", None, status_code=503 if failure else 500, message=text)

    @app.exception_handler(ResidegiError)
    async def refused(request: Request, exc: ResidegiError) -> HTMLResponse:
        status = 400
        if isinstance(exc, SystemFailure):
            status = 503
        elif isinstance(exc, Forbidden):
            status = 403
        elif isinstance(exc, LoginThrottled):
            status = 429
        elif isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, Refused):
            status = 409
        elif not isinstance(exc, InvalidInput):
            status = 422
        return page(request, "error.html", None, status_code=status, message=error_text(exc))

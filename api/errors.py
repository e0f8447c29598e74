"""How errors reach the phone: every 4xx body is ``{"detail": [{"field", "limit", "message"}]}``."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException

from api import labels
from api.deps import NotLoggedIn
from core.errors import ValidationFailed


def field_error(field: str, limit: str, message: str) -> dict:
    return {"field": field, "limit": limit, "message": message}


class FieldErrors(Exception):
    """Bad input found by a router; answered with 422 and the list of field errors."""

    def __init__(self, errors: list[dict], status: int = 422, headers: dict | None = None):
        self.errors, self.status, self.headers = errors, status, headers


def _pydantic_error(e: dict) -> dict:
    loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "form")]
    field = ".".join(loc) or "body"
    ctx = e.get("ctx") or {}
    limit = next((f"{k} {v}" for k, v in ctx.items() if k in ("max_length", "min_length", "le", "ge", "lt", "gt")),
                 e.get("type", "格式"))
    return field_error(field, limit, labels.input_error(loc[-1] if loc else "", e.get("type", ""), ctx))


def install(app: FastAPI) -> None:
    @app.exception_handler(ValidationFailed)
    async def _failed(_req: Request, e: ValidationFailed):
        return JSONResponse({"detail": e.errors}, status_code=422)

    @app.exception_handler(FieldErrors)
    async def _fields(_req: Request, e: FieldErrors):
        return JSONResponse({"detail": e.errors}, status_code=e.status, headers=e.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, e: RequestValidationError):
        return JSONResponse({"detail": [_pydantic_error(x) for x in e.errors()]}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(_req: Request, e: HTTPException):
        detail = e.detail if isinstance(e.detail, list) else [field_error("", str(e.status_code), str(e.detail))]
        return JSONResponse({"detail": detail}, status_code=e.status_code, headers=e.headers)

    @app.exception_handler(NotLoggedIn)
    async def _login(req: Request, _e: NotLoggedIn):
        if req.url.path.startswith("/api/"):
            return JSONResponse({"detail": [field_error("session", "登录", "请先登录")]}, status_code=401)
        return RedirectResponse("/login", status_code=303)

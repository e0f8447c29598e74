"""How errors reach the phone: every 4xx body is ``{"detail": [{"field", "limit", "message"}]}``."""
from __future__ import annotations

import json
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from api import deps, labels
from api.deps import NotLoggedIn
from core.errors import BusinessError, ValidationFailed


class FieldError(BaseModel):
    """One refused field: which, the limit it broke, and what the owner reads. Compliance findings and
    site limits add keys (``rule``, ``span``, ``site``…), hence extra keys are allowed."""
    model_config = ConfigDict(extra="allow", title="FieldError")
    field: str
    limit: str
    message: str


class Errors(BaseModel):
    """The body of every 4xx answer."""
    model_config = ConfigDict(title="Errors")
    detail: list[FieldError]


def field_error(field: str, limit: str, message: str) -> dict:
    return {"field": field, "limit": limit, "message": message}


class FieldErrors(Exception):
    """Bad input found by a router; answered with 422 and the list of field errors."""

    def __init__(self, errors: list[dict], status: int = 422, headers: dict | None = None):
        self.errors, self.status, self.headers = errors, status, headers


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def lone_surrogate(value, path: str = "") -> str | None:
    """The path of the first string holding half of a UTF-16 pair (JSON allows ``"\\ud800"``; UTF-8 cannot
    store or send it back, so saving it would break every later page that shows it)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "body"
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and lone_surrogate(key) is not None:
            return path or "body"
        found = lone_surrogate(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _pydantic_error(e: dict) -> dict:
    loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "form")]
    field = ".".join(loc) or "body"
    if e.get("type") == "json_invalid":
        return field_error("body", "JSON", "请求内容不是有效的 JSON")
    ctx = e.get("ctx") or {}
    limit = next((f"{k} {v}" for k, v in ctx.items() if k in ("max_length", "min_length", "le", "ge", "lt", "gt")),
                 e.get("type", "格式"))
    return field_error(field, limit, labels.input_error(loc[-1] if loc else "", e.get("type", ""), ctx))


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def _refuse_lone_surrogates(request: Request, call_next):
        if request.method in ("POST", "PUT", "PATCH") and "json" in request.headers.get("content-type", ""):
            body = await request.body()
            if _SURROGATE_ESCAPE.search(body):
                try:
                    field = lone_surrogate(json.loads(body))
                except ValueError:
                    field = None  # not JSON at all: the route's own parsing answers
                if field is not None:
                    return JSONResponse({"detail": [field_error(field, "有效的文字", "含有无法保存的字符，请删掉后重试")]},
                                        status_code=422)
        return await call_next(request)

    @app.exception_handler(ValidationFailed)
    async def _failed(_req: Request, e: ValidationFailed):
        return JSONResponse({"detail": e.errors}, status_code=422)

    @app.exception_handler(BusinessError)
    async def _business(_req: Request, e: BusinessError):
        # A refusal the domain explains in Chinese (no tax rule for that date…): the owner reads it, not a 500.
        return JSONResponse({"detail": [field_error("", "业务规则", e.message)]}, status_code=422)

    @app.exception_handler(FieldErrors)
    async def _fields(_req: Request, e: FieldErrors):
        return JSONResponse({"detail": e.errors}, status_code=e.status, headers=e.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, e: RequestValidationError):
        return JSONResponse({"detail": [_pydantic_error(x) for x in e.errors()]}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(_req: Request, e: HTTPException):
        if isinstance(e.detail, list):
            detail = e.detail
        elif e.status_code == 400:  # Starlette could not read the body (bad UTF-8, broken multipart)
            detail = [field_error("body", "JSON 或表单", "请求内容无法读取，请检查格式后重试")]
        else:
            detail = [field_error("", str(e.status_code), str(e.detail))]
        return JSONResponse({"detail": detail}, status_code=e.status_code, headers=e.headers)

    @app.exception_handler(NotLoggedIn)
    async def _login(req: Request, _e: NotLoggedIn):
        if req.url.path.startswith("/api/"):
            return JSONResponse({"detail": [field_error("session", "登录", "请先登录")]}, status_code=401)
        return RedirectResponse("/login", status_code=303)


STATUS_TEXT = {400: "请求格式不对", 401: "请先登录", 403: "页面已过期（缺少 X-CSRF-Token）", 404: "没有这一项",
               409: "状态已变，不能这样操作", 413: "文件太大", 422: "某项不符合要求", 429: "尝试次数过多",
               503: "暂时无法保存文件"}


def _calls(dependant) -> set:
    out = {dependant.call}
    for sub in dependant.dependencies:
        out |= _calls(sub)
    return out


def _answers(route: APIRoute, operation: dict, extra: dict) -> set[int]:
    """The error statuses an operation can give: from its dependencies (login, CSRF), its path parameters
    (a missing or foreign id is 404), its inputs (422), and what the app declares for it."""
    calls = _calls(route.dependant)
    codes = {int(c) for c in operation.get("responses", {}) if c.isdigit() and int(c) >= 400}
    if deps._user in calls:
        codes.add(401)
    if deps._csrf in calls:
        codes.add(403)
    if "{" in route.path:
        codes.add(404)
    if operation.get("parameters") or operation.get("requestBody"):
        codes.add(422)
    if operation.get("requestBody"):
        codes.add(400)
    return codes | set(extra.get(route.path, {}).get(operation["_method"], ()))


def document(doc: dict, routes, extra: dict[str, dict[str, tuple[int, ...]]]) -> dict:
    """Make the OpenAPI document say what the API answers: every 4xx/5xx body is ``Errors``, declared once,
    and each operation lists the error statuses it can give. ``extra``: path -> method -> statuses a route
    answers beyond those its dependencies and parameters imply (conflicts, storage)."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in Errors.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs").items():
        schemas[name] = schema
    schemas["Errors"] = Errors.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["Errors"].pop("$defs", None)
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
    for route in routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods:
            operation = doc["paths"].get(route.path, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code in sorted(_answers(route, {**operation, "_method": method.lower()}, extra)):
                given = responses.get(str(code), {})
                responses[str(code)] = {"description": given.get("description") or STATUS_TEXT.get(code, "错误"),
                                        "content": ref}
    return doc

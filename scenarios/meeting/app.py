"""The meeting server's routes: the page, its files, the meeting's state and the JSON API.

Built on Starlette (see `laa serve`'s commit for why). Planning runs in a
worker thread, one request at a time (the meeting's lock), so the server
keeps answering `/api/health` while it plans. Bad input is answered with the
located problems a file would get (HTTP 400), a request from elsewhere with
403; nothing a request sends can stop the server.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from laa.models.documents import MAX_DEPTH, json_too_deep
from laa.models.errors import InputError, LaaError, ScenarioError
from laa.models.scenario import Arrangement
from laa.scenarios.meeting.controls import scenario_controls
from laa.scenarios.meeting.guard import Audience, Guard
from laa.scenarios.meeting.page import SECURITY_HEADERS, assets, page_html
from laa.scenarios.meeting.save import save_variant
from laa.scenarios.meeting.session import Meeting
from laa.scenarios.meeting.view import Views
from laa.scenarios.outputs.results import results_document
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

MAX_BODY_BYTES = 1024 * 1024
log = logging.getLogger("laa.serve")


class BadRequest(LaaError):
    """A request whose body is not what the route expects; `where` names the part (`body.changes`)."""

    def __init__(self, where: str, message: str, status: int = 400):
        super().__init__(f"{where}: {message}")
        self.where, self.message, self.status = where, message, status


def _problems(exc: Exception) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, ScenarioError):
        problems = [_problem(p.where, p.message) for p in exc.problems]
        heading = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} with the changes"
        return 400, {"error": heading, "problems": problems}
    if isinstance(exc, BadRequest):
        return exc.status, {"error": str(exc), "problems": [_problem(exc.where, exc.message)]}
    return 400, {"error": str(exc), "problems": [_problem(None, str(exc))]}


def _problem(where: str | None, message: str) -> dict[str, str | None]:
    """One problem as the API and the page show it: where, what, and both as one line."""
    return {"where": where, "message": message, "text": f"{where}: {message}" if where else message}


def _json(content: Any, status: int = 200) -> JSONResponse:
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-store"}
    if status == 413:  # the rest of the body is not wanted: the connection is closed rather than drained
        headers["Connection"] = "close"
    return JSONResponse(content, status, headers=headers)


async def _body(request: Request) -> dict[str, Any]:
    """The request's JSON object, refused (located at `body`) when too large, not JSON or not an object.

    The body is read as it arrives and refused as soon as it passes `MAX_BODY_BYTES`, whatever
    its framing: a chunked body declares no length, and no token is needed to plan, so checking
    only `Content-Length` let anyone make the server hold a 400 MB body (issue 21).
    """
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(f"is {int(declared):,} bytes")
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > MAX_BODY_BYTES:
            raise _too_large("is over that")
    raw = bytes(received)
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body", "is not JSON: it is not UTF-8 text") from None
    deep = json_too_deep(text)
    if deep is not None:  # the parser recurses per level: bounded before it starts, as a file's JSON is
        nested = f"is nested more than {MAX_DEPTH} levels deep at line {deep}; a change needs fewer than 10"
        raise BadRequest("body", nested)
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BadRequest("body", f"is not JSON at line {exc.lineno}, column {exc.colno}") from None
    except ValueError as exc:
        raise BadRequest("body", str(exc)) from None
    if not isinstance(data, dict):
        raise BadRequest("body", f"a JSON object is expected; found {type(data).__name__}")
    return data


def _too_large(found: str) -> BadRequest:
    return BadRequest("body", f"at most {MAX_BODY_BYTES:,} bytes are accepted; this one {found}", 413)


def _no_constant(token: str) -> float:
    raise ValueError(f"{token} is not a number a change may hold")


def _arrangements(value: Any, where: str, default: list[Arrangement]) -> list[Arrangement]:
    if value is None:
        return default
    names = [a.value for a in Arrangement]
    if not isinstance(value, list) or not value:
        raise BadRequest(where, f"a non-empty list of arrangements is expected ({', '.join(names)})")
    chosen = []
    for i, name in enumerate(value):
        if name not in names:
            expected = ", ".join(names)
            raise BadRequest(f"{where}[{i}]", f"unknown arrangement {name!r}; expected one of {expected}")
        chosen.append(Arrangement(name))
    return list(dict.fromkeys(chosen))


def _expect(data: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise BadRequest(f"body.{key}", f"{what} is expected")
    return value


def meeting_app(meeting: Meeting, audience: Audience) -> Guard:
    """The whole server: the Starlette app behind the guard."""
    views = Views()

    def guarded(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except (LaaError, OSError) as exc:
                if isinstance(exc, OSError):
                    exc = InputError(f"{type(exc).__name__}: {exc}")
                status, content = _problems(exc)
                return _json(content, status)
            except Exception as exc:  # one bad request must never take the meeting down
                log.exception("request to %s failed", request.url.path)
                return _json({"error": f"internal error: {type(exc).__name__}", "problems": []}, 500)

        return run

    async def page(request: Request) -> Response:
        html = page_html(meeting.base.name, audience.token)
        return HTMLResponse(html, headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})

    async def static(request: Request) -> Response:
        path = request.url.path
        found = next((a for a in assets().values() if a.path == path), None)
        if found is None:
            return _json({"error": f"no such file: {path}", "problems": []}, 404)
        headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=31536000, immutable"}
        return Response(found.body, media_type=found.media_type, headers=headers)

    async def health(request: Request) -> Response:
        return _json({"status": "ready", "scenario": meeting.base.name})

    async def controls(request: Request) -> Response:
        return _json(scenario_controls(meeting.base))

    async def state(request: Request) -> Response:
        return _json(await run_in_threadpool(_view))

    def _view() -> dict[str, Any]:
        with meeting.lock:
            return views.view(meeting)

    def acting(act: Callable[[dict[str, Any]], None]) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            data = await _body(request)

            def run() -> dict[str, Any]:
                with meeting.lock:
                    act(data)
                    return views.view(meeting)

            return _json(await run_in_threadpool(run))

        return handler

    def change(data: dict[str, Any]) -> None:
        if "change" not in data:
            raise BadRequest("body.change", "a change in the variants' form is expected")
        meeting.change(data["change"])

    def remove(data: dict[str, Any]) -> None:
        meeting.remove(_expect(data, "index", int, "the change's position in the list (0 first)"))

    def start(data: dict[str, Any]) -> None:
        meeting.start_from(_expect(data, "variant", str, "a variant id from the file"))

    def show(data: dict[str, Any]) -> None:
        chosen = _arrangements(data.get("arrangements"), "body.arrangements", meeting.arrangements)
        focus = data.get("focus")
        if focus is not None and focus not in [a.value for a in chosen]:
            raise BadRequest("body.focus", f"{focus!r} is not among the arrangements shown")
        meeting.show(chosen, None if focus is None else Arrangement(focus))

    async def save(request: Request) -> Response:
        data = await _body(request)
        ident = _expect(data, "id", str, "the variant's id")
        name = data.get("name", "")
        if not isinstance(name, str):
            raise BadRequest("body.name", "the variant's name as text is expected")
        new_file = data.get("new_file")
        if new_file is not None and not isinstance(new_file, str):
            raise BadRequest("body.new_file", "a file name, or null for the scenario file, is expected")

        def run() -> dict[str, Any]:
            with meeting.lock:
                variant = {"id": ident, **({"name": name} if name else {}), "changes": meeting.changes}
                written = save_variant(meeting.path, meeting.base, variant, new_file or None)
                if written == meeting.path:
                    meeting.saved()
                listed = scenario_controls(meeting.base)["variants"]
                return {"saved": written.name, "variant": ident, "variants": listed}

        return _json(await run_in_threadpool(run))

    async def plan(request: Request) -> Response:
        data = await _body(request)
        unknown = sorted(set(data) - {"changes", "arrangements"})
        if unknown:
            raise BadRequest(f"body.{unknown[0]}", "unknown field; expected changes and arrangements")
        changes = data.get("changes", [])
        if not isinstance(changes, list):
            raise BadRequest("changes", "a list of changes in the variants' form is expected")
        chosen = _arrangements(data.get("arrangements"), "arrangements", meeting.base.arrangements_to_run())

        def run() -> dict[str, Any]:
            scenario, plans, applied = meeting.plan(changes, chosen)
            document = results_document(scenario, plans)
            document["changes"] = applied
            return document

        return _json(await run_in_threadpool(run))

    routes = [
        Route("/", guarded(page), methods=["GET"]),
        Route("/static/{name}", guarded(static), methods=["GET"]),
        Route("/api/health", guarded(health), methods=["GET"]),
        Route("/api/scenario", guarded(controls), methods=["GET"]),
        Route("/api/session", guarded(state), methods=["GET"]),
        Route("/api/session/change", guarded(acting(change)), methods=["POST"]),
        Route("/api/session/undo", guarded(acting(lambda _: meeting.undo())), methods=["POST"]),
        Route("/api/session/remove", guarded(acting(remove)), methods=["POST"]),
        Route("/api/session/clear", guarded(acting(lambda _: meeting.clear())), methods=["POST"]),
        Route("/api/session/start", guarded(acting(start)), methods=["POST"]),
        Route("/api/session/show", guarded(acting(show)), methods=["POST"]),
        Route("/api/session/catch-up", guarded(acting(lambda _: meeting.catch_up())), methods=["POST"]),
        Route("/api/session/save", guarded(save), methods=["POST"]),
        Route("/api/plan", guarded(plan), methods=["POST"]),
    ]
    async def not_here(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return _json({"error": f"{request.method} {request.url.path}: {exc}", "problems": []}, status)

    return Guard(Starlette(routes=routes, exception_handlers={HTTPException: not_here}), audience)

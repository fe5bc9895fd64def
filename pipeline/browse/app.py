"""The plan explorer's web application: FastAPI routes rendering Jinja2 templates over the published file.

The file is opened once through `open_read_only` (read-only, no file or network access, settings locked);
each request reads through its own cursor of that connection. Every list a page shows can be
downloaded with the page's own parameters plus `download=<list>&fmt=csv|xlsx`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import mimetypes
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..readonly_db import open_read_only
from . import chart, queries
from .downloads import FORMATS, render

HERE = Path(__file__).parent
# A source file is shown as it is, in a sandbox: an HTML page saved from a website runs no script and
# reaches nothing of the explorer.
SOURCE_HEADERS = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}


def create_app(db: str | Path, today: Callable[[], dt.date] = dt.date.today) -> FastAPI:
    """The explorer over `db` (NoDatabase when there is no such file); `today` dates what is overdue."""
    con = open_read_only(db)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        con.close()

    app = FastAPI(title="vnplan browse", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["link"] = _link
    facets = queries.facets(con)  # an open file never changes (a new publication is a new file): nor its filters

    @app.exception_handler(RequestValidationError)
    def bad_parameter(request: Request, error: RequestValidationError) -> Response:
        # FastAPI's own answer echoes the value back; a name is enough.
        names = sorted({str(e["loc"][-1]) for e in error.errors()})
        return PlainTextResponse(f"bad value for {', '.join(names)}", status_code=422)

    def cursor():
        cur = con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def page(request: Request, template: str, lists: dict[str, queries.Listing], **context) -> Response:
        """The page, or one of its lists as a file when the request asks for a download."""
        wanted, fmt = request.query_params.get("download"), request.query_params.get("fmt", "csv")
        if wanted:
            if wanted not in lists or fmt not in FORMATS:
                raise HTTPException(404, "no such list or format on this page")
            return Response(render(lists[wanted], fmt), media_type=FORMATS[fmt], headers={
                "Content-Disposition": f'attachment; filename="{wanted}.{fmt}"'})
        return templates.TemplateResponse(request, template, {**lists, **context, "today": today(),
                                                               "due_soon": today() + dt.timedelta(queries.DUE_SOON_DAYS)})

    @app.get("/")
    def home(request: Request, province: str = "", level: str = "", type: str = "", year: str = "",
             q: str = "", page_no: int = Query(1, alias="page"), con=Depends(cursor)):
        f = queries.PlanFilter(province or None, level or None, type or None, _year(year), q.strip() or None)
        plans, total = queries.plans(con, f, _window(request, page_no))
        return page(request, "home.html", {"plans": plans}, filter=f, facets=facets,
                    paging=_paging(page_no, total))

    @app.get("/plan/{doc_id}")
    def plan(request: Request, doc_id: str, agency: str = "", sort: str = "seq", order: str = "asc",
             con=Depends(cursor)):
        doc = queries.document(con, doc_id)
        if doc is None:
            raise HTTPException(404, "no such plan")
        task_query = queries.TaskQuery(agency or None, sort if sort in queries.TASK_SORTS else "seq", order == "desc")
        tree, outline = queries.outline(con, doc_id)
        lists = {"copies": queries.copies(con, doc), "outline": outline,
                 "objectives": queries.objectives(con, doc_id), "indicators": queries.indicators(con, doc_id),
                 "tasks": queries.tasks(con, doc_id, task_query), "duties": queries.duties(con, doc_id),
                 "citations": queries.citations(con, doc_id)}
        agencies = queries.task_agencies(con, doc_id)
        return page(request, "plan.html", lists, doc=doc, tree=tree, task_query=task_query, agencies=agencies,
                    placeholders=queries.placeholders(con, agencies + [d["agency"] for d in lists["duties"].rows]))

    @app.get("/agency")
    def agency(request: Request, name: str = "", page_no: int = Query(1, alias="page"), con=Depends(cursor)):
        items, total = queries.agency_items(con, name, today(), _window(request, page_no))
        if not total:
            raise HTTPException(404, "no task or duty names this agency")
        return page(request, "agency.html", {"agency": items}, name=name,
                    spellings=queries.agency_spellings(con, name), paging=_paging(page_no, total),
                    placeholder=bool(queries.placeholders(con, [name])))

    @app.get("/indicator/{code}")
    def indicator(request: Request, code: str, page_no: int = Query(1, alias="page"), con=Depends(cursor)):
        entry = queries.catalogue_entry(con, code)
        if entry is None:
            raise HTTPException(404, "no such indicator code in the catalogue")
        values = queries.indicator_values(con, code)  # all of them in the chart, a page of them in the table
        window = _window(request, page_no)
        shown = values.rows[window.offset:window.offset + window.limit] if window.limit else values.rows
        return page(request, "indicator.html", {"indicator": values}, entry=entry, svg=chart.svg(values.rows),
                    shown=shown, paging=_paging(page_no, len(values.rows)))

    @app.get("/source/{doc_id}")
    def source(doc_id: str, con=Depends(cursor)):
        """The source file of a document, read from the path the database records for it (never a path the
        request gives)."""
        row = con.execute("SELECT source_path, source_path_bytes FROM documents WHERE doc_id = ?", [doc_id]).fetchall()
        if not row:
            raise HTTPException(404, "no such document")
        shown, exact = row[0]  # a name that is not UTF-8: its exact bytes, and U+FFFD in the shown one
        path = Path(os.fsdecode(exact) if exact is not None else shown)
        if not path.is_file():
            raise HTTPException(404, "the source file of this plan is not on this machine")
        name = Path(shown).name
        media = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return FileResponse(path, media_type=media, headers=SOURCE_HEADERS, content_disposition_type="inline",
                            filename=name)

    return app


def _window(request: Request, page_no: int) -> queries.Window:
    """Page `page_no` of a long list, or all of it for a download."""
    if request.query_params.get("download"):
        return queries.Window()
    return queries.Window(queries.PAGE_ROWS, (max(1, page_no) - 1) * queries.PAGE_ROWS)


def _paging(page_no: int, total: int) -> dict:
    return {"page_no": max(1, page_no), "total": total, "rows": queries.PAGE_ROWS}


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise HTTPException(400, "year must be a number")
    return int(text)


def _link(request: Request, path: str | None = None, **changes) -> str:
    """A URL to `path` (default: this page) with this page's query parameters, changed by `changes` (None or
    "" drops one)."""
    params = {} if path is not None else dict(request.query_params)
    params.update(changes)
    params = {k: v for k, v in params.items() if v not in (None, "")}
    base = path if path is not None else request.url.path
    return base + ("?" + urlencode(params) if params else "")

"""Excel import for supervisors (``/import``): download a template, upload it filled in,
see the dry run (what would be recorded, or every problem with sheet, row and column),
then confirm. The server keeps nothing between the two steps: the checked file rides
in the confirmation form and is checked again, all or nothing, when it is recorded."""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pdca_web.forms import acting, settle, text
from pdca_web.pages import render
from pdca_web.refusals import BadInput
from pdca_web.session import endpoint, office, refusal_text, refused_status

#: What a supervisor imports through the browser; the rest stay the CLI's.
KINDS = {"scores": "指标得分", "findings": "督查发现"}
MAX_BYTES = 20 * 1024 * 1024  # a filled template is far smaller; a bigger one is a mistake
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kind(form: Any) -> str:
    kind = text(form, "kind", 20)
    if kind not in KINDS:
        raise BadInput(f"未知导入类型 '{kind}'；允许：{'、'.join(KINDS)}")
    return kind


def import_page(request: Request, **shown: Any) -> Response:
    error = getattr(request.state, "refusal", None)
    problems = list(getattr(error, "problems", ()))
    form = request.state.form
    context = {
        "title": "Excel 导入",
        "kinds": KINDS,
        "form": {k: v for k, v in (form or {}).items() if isinstance(v, str) and k != "data"},
        # A refusal listing problems says its summary on top and each problem below.
        "refusal": error.args[0] if problems else refusal_text(request),
        "problems": problems,
        **shown,
    }
    return render(request, "import.html", context, status=refused_status(request))


@endpoint()
def page(request: Request) -> Response:
    return import_page(request)


def _run(request: Request, kind: str, name: str, data: bytes, dry_run: bool) -> Any:
    from pdca.application.sheet_files import uploaded_sheets

    app = office(request).app
    label, sheets = uploaded_sheets(name, data)
    return app.import_sheets(acting(request, "import"), kind, label, sheets, dry_run=dry_run)


@endpoint(refused_page=import_page)
def check(request: Request) -> Response:
    form = request.state.form
    kind = _kind(form)
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise BadInput("请选择要导入的 .xlsx 或 CSV 文件")
    data = upload.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise BadInput(f"文件 {upload.filename} 超过 {MAX_BYTES // 1024 // 1024} MB；请分批导入")
    outcome = _run(request, kind, upload.filename, data, dry_run=True)
    staged = {
        "kind": kind,
        "name": upload.filename,
        "data": base64.b64encode(data).decode("ascii"),
        "digest": hashlib.sha256(data).hexdigest()[:12],
    }
    return import_page(request, outcome=outcome, staged=staged)


@endpoint(refused_page=import_page)
def confirm(request: Request) -> Response:
    form = request.state.form
    kind, name = _kind(form), text(form, "name", 300)
    try:
        data = base64.b64decode(str(form.get("data") or ""), validate=True)
    except ValueError:
        raise BadInput("确认表单中的文件已损坏；请重新上传") from None
    outcome = _run(request, kind, name, data, dry_run=False)
    settle(request)
    return import_page(request, outcome=outcome, done=True)


@endpoint()
def template(request: Request) -> Response:
    from pdca.application.templates import template_of
    from pdca.reports.sheet_templates import write_template

    query = request.query_params
    kind = query.get("kind", "")
    if kind not in KINDS:
        raise BadInput(f"未知模板类型 '{kind}'；允许：{'、'.join(KINDS)}")
    spec = template_of(
        office(request).app, kind, query.get("period", "").strip(), query.get("scheme") or None
    )
    buffer = io.BytesIO()
    write_template(spec, buffer)
    name = f"{spec.period}{KINDS[kind]}.xlsx"
    return Response(
        buffer.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


ROUTES = [
    Route("/import", page),
    Route("/import/template", template),
    Route("/import/check", check, methods=["POST"]),
    Route("/import/confirm", confirm, methods=["POST"]),
]

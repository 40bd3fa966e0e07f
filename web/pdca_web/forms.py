"""Posted forms: a unit's staff on their own unit (task progress and completion, the
unit's steps, 申诉, 整改 reports and submission) and a supervisor (advance a stage,
record a finding, a cycle's item scores as one sheet, verify or reject a 整改).

Each form acts as the logged-in person through the server's login (``logins.acting_for``);
the application checks the role and scope as for the command line. A refused form
comes back as its page with the reason and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pdca_web.cycle_pages import address_of, cycle_page, cycle_url
from pdca_web.fresh import acting, await_written, written
from pdca_web.refusals import BadInput
from pdca_web.session import endpoint, office
from pdca_web.uploads import uploads


def settle(request: Request) -> None:
    """After a write whose answer is the page itself (no redirect): let the follower
    bring the views up to it, so the page shows what was just recorded."""
    from pdca.application.serving import await_views

    context = getattr(request.state, "acting", None)
    await_views(office(request).app, context.recorded if context is not None else None)


def text(form: Any, name: str, limit: int = 2000) -> str:
    value = str(form.get(name) or "").strip()
    if len(value) > limit:
        raise BadInput(f"{name} 太长：{len(value)} 个字符，至多 {limit} 个")
    return value


def integer(form: Any, name: str, label: str) -> int:
    value = text(form, name, 20)
    if not value.isascii() or not value.lstrip("-").isdigit():
        raise BadInput(f"{label} '{value}' 不是整数")
    return int(value)


def decimal(form: Any, name: str, label: str) -> Decimal:
    from pdca.application.inputs import decimal as exact

    return exact(text(form, name, 30), label)  # refused as InvalidInput: 422


def day(form: Any, name: str, label: str) -> date:
    value = text(form, name, 20)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{label} '{value}' 不是日期；应为 YYYY-MM-DD") from None


def _advance(request: Request, address: str, form: Any) -> str:
    reason = text(form, "reason") or None
    office(request).app.advance(
        acting(request, "cycle advance"), address, text(form, "trigger", 100), reason
    )
    return "advanced"


def _task_report(request: Request, address: str, form: Any) -> str:
    office(request).app.report_task(
        acting(request, "task report"),
        address,
        integer(form, "task", "任务编号"),
        integer(form, "progress", "进度"),
        text(form, "note") or None,
        attach=uploads(request, form),
    )
    return "recorded"


def _task_complete(request: Request, address: str, form: Any) -> str:
    office(request).app.complete_task(
        acting(request, "task complete"),
        address,
        integer(form, "task", "任务编号"),
        text(form, "quality", 20) or None,
    )
    return "recorded"


def _finding(request: Request, address: str, form: Any) -> str:
    office(request).app.record_finding(
        acting(request, "finding record"),
        address,
        text(form, "source", 100),
        text(form, "indicator", 100),
        decimal(form, "points", "分值"),
        day(form, "observed_on", "发现日期"),
        text(form, "evidence"),
        attach=uploads(request, form),
    )
    return "recorded"


def _scores(request: Request, address: str, form: Any) -> str:
    prefix = "item:"
    values = [
        (key[len(prefix) :], str(value).strip())
        for key, value in form.multi_items()
        if key.startswith(prefix) and str(value).strip()
    ]
    office(request).app.record_score_sheet(
        acting(request, "score record"), address, values, text(form, "evidence")
    )
    return "scores"


def _step(request: Request, address: str, form: Any) -> str:
    office(request).app.record_step(
        acting(request, "step record"),
        address,
        text(form, "step", 100),
        text(form, "text"),
        text(form, "evidence"),
    )
    return "recorded"


def _appeal(request: Request, address: str, form: Any) -> str:
    office(request).app.lodge_appeal(
        acting(request, "appeal lodge"), address, text(form, "reason"), text(form, "evidence")
    )
    return "recorded"


CYCLE_FORMS: dict[str, Callable[[Request, str, Any], str]] = {
    "advance": _advance,
    "task_report": _task_report,
    "task_complete": _task_complete,
    "finding": _finding,
    "scores": _scores,
    "step": _step,
    "appeal": _appeal,
}


@endpoint(refused_page=cycle_page)
def cycle_form(request: Request) -> Response:
    name = request.path_params["form"]
    handler = CYCLE_FORMS.get(name)
    if handler is None:
        raise BadInput(f"未知表单 '{name}'")
    address = address_of(request)
    notice = handler(request, address, request.state.form)
    return written(request, cycle_url(address), notice=notice)


# ---- 整改 -----------------------------------------------------------------------------


def rectification_context(request: Request) -> dict[str, Any]:
    from pdca_web.session import refusal_text

    app = office(request).app
    ref = request.path_params["ref"]
    item = app.get_rectification(ref)
    rows = [r for r in app.list_rectifications(app.clock.today()) if r["item_id"] == item.id.hex]
    user = request.state.user
    return {
        "title": f"整改事项 {ref}",
        "ref": ref,
        "row": rows[0] if rows else None,
        "attachments": app.rectification_attachments(ref),
        "form": dict(request.state.form or {}),
        "refusal": refusal_text(request),
        "notice": "已记录。" if request.query_params.get("notice") else None,
        "supervisor": user is not None and user.has("supervisor"),
        "reporter": user is not None and (user.has("supervisor") or user.unit is not None),
    }


def rectification_page(request: Request) -> Response:
    from pdca_web.pages import render
    from pdca_web.session import refused_status

    await_written(request)
    context = rectification_context(request)
    return render(request, "rectification.html", context, status=refused_status(request))


@endpoint()
def rectification(request: Request) -> Response:
    return rectification_page(request)


@endpoint(refused_page=rectification_page)
def rectification_form(request: Request) -> Response:
    app = office(request).app
    ref, name, form = request.path_params["ref"], request.path_params["form"], request.state.form
    if name == "report":
        app.report_rectification(
            acting(request, "rectify report"), ref, text(form, "note"), uploads(request, form)
        )
    elif name == "submit":
        app.submit_rectification(acting(request, "rectify submit"), ref, text(form, "note") or None)
    elif name == "verify":
        decision = text(form, "decision", 10)
        if decision not in ("accept", "reject"):
            raise BadInput("请选择通过（销号）或退回")
        app.verify_rectification(
            acting(request, "rectify verify"),
            ref,
            decision == "accept",
            text(form, "reason") or None,
        )
    else:
        raise BadInput(f"未知表单 '{name}'")
    return written(request, f"/rectifications/{quote(ref)}", notice="1")


ROUTES = [
    Route("/cycles/{unit}/{period}/{form}", cycle_form, methods=["POST"]),
    Route("/rectifications/{ref}", rectification),
    Route("/rectifications/{ref}/{form}", rectification_form, methods=["POST"]),
]

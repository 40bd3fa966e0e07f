"""A unit's pages: its cycles, and each cycle's status (every trigger, allowed or why
not), its ``explain`` tree drilling down to each recorded fact, ``--as-of`` a chosen
day, its history, and the forms the logged-in account may use on it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pdca_web.fresh import await_written
from pdca_web.pages import render
from pdca_web.session import endpoint, office, refusal_text, refused_status


def address_of(request: Request) -> str:
    params = request.path_params
    return f"{params['unit']}/{params['period']}"


def cycle_url(address: str) -> str:
    return "/cycles/" + quote(address, safe="/")


def forms_for(user: Any, unit: str) -> dict[str, bool]:
    """Which forms to show: a supervisor's, and a unit's own staff's (the application
    decides again on every post; this only spares a form that would be refused)."""
    supervisor = user is not None and user.has("supervisor")
    own = user is not None and user.unit == unit
    return {"supervisor": supervisor, "unit": supervisor or own}


def cycle_context(request: Request, address: str) -> dict[str, Any]:
    app = office(request).app
    status = app.status(address)
    cycle = app.get_cycle(address)
    scheme = app.scheme_of(cycle)
    as_of_text = request.query_params.get("as_of", "").strip()
    as_of = app.clock.moment(as_of_text, "查看日期") if as_of_text else None
    explained = app.explain(address, as_of).to_json()
    history = app.history(address)
    tasks = [
        {
            "no": t.no,
            "title": t.title,
            "deadline": t.deadline,
            "progress": t.progress,
            "completed": t.completed,
        }
        for t in sorted(cycle.tasks.values(), key=lambda t: t.no)
    ]
    rules = scheme.rules
    items = [
        {"id": f"{i.id}.{p.id}", "label": f"{i.label} · {p.label}", "max": p.max}
        if i.scored_points
        else {"id": i.id, "label": i.label, "max": i.max, "rule": i.rule}
        for c in rules.categories
        for i in c.items
        if i.rule != "carried"
        for p in (i.points if i.scored_points else (None,))
    ]
    return {
        "title": address,
        "address": address,
        "url": cycle_url(address),
        "status": status,
        "explain": explained,
        "as_of": as_of_text,
        "history": history,
        "attachments": [
            {**ref, "position": e.position, "actor": e.actor}
            for e in history
            for ref in e.attachments
        ],
        "tasks": tasks,
        "items": items,
        "indicators": [{"id": i.id, "label": i.label} for i in rules.ledger_indicators],
        "steps": [{"id": s.id, "label": s.label} for s in rules.unit_steps],
        "rectifications": app.list_rectifications(app.clock.today(), unit=status.unit),
        "forms": forms_for(request.state.user, status.unit),
        "form": dict(request.state.form or {}),
        "form_name": request.path_params.get("form"),
        "refusal": refusal_text(request),
        "notice": _notice(request.query_params.get("notice")),
    }


NOTICES = {
    "advanced": "阶段已推进。",
    "recorded": "已记录。",
    "scores": "评分表已记录。",
}


def _notice(key: str | None) -> str | None:
    return NOTICES.get(key or "")


def cycle_page(request: Request) -> Response:
    await_written(request)
    context = cycle_context(request, address_of(request))
    return render(request, "cycle.html", context, status=refused_status(request))


@endpoint()
def cycle(request: Request) -> Response:
    return cycle_page(request)


@endpoint()
def unit(request: Request) -> Response:
    app = office(request).app
    name = request.path_params["unit"]
    key = app.unit_key(name)
    cycles = [
        {**c, "stage_label": app.stage_label(c["scheme"], c["stage"])}
        for c in app.list_cycles()
        if c["unit"] == key
    ]
    context = {"title": key, "unit": key, "cycles": cycles, "url": cycle_url}
    return render(request, "unit.html", context)


@endpoint()
def units(request: Request) -> Response:
    app = office(request).app
    context = {"title": "单位", "units": app.list_units()}
    return render(request, "units.html", context)


ROUTES = [
    Route("/units", units),
    Route("/units/{unit}", unit),
    Route("/cycles/{unit}/{period}", cycle),
]

"""Pages for every logged-in account: the board, the ranking, the ledger, the
rectifications, the rounds and the history's check. They read views only (the
server's follower keeps them caught up)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pdca_web.pages import render
from pdca_web.session import endpoint, office


def periods(app: Any) -> list[str]:
    """The periods that have cycles, newest first."""
    return list(app.cycle_periods())


def chosen_period(request: Request, app: Any) -> tuple[str | None, list[str]]:
    known = periods(app)
    asked = request.query_params.get("period")
    if asked in known:
        return asked, known
    return (known[0] if known else None), known


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def shown_table(table: Any, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A report table (``pdca.reports.tables``) as headers and text cells."""
    columns = [c for c in table.columns if keys is None or c.key in keys]
    return {
        "title": table.title,
        "headers": [(c.header, c.kind in ("number", "integer")) for c in columns],
        "rows": [[_cell(row.get(c.key)) for c in columns] for row in table.rows],
        "raw": table.rows,
    }


@endpoint()
def board(request: Request) -> Response:
    from pdca.reports.board import board as build

    app = office(request).app
    period, known = chosen_period(request, app)
    found = build(app, period, app.clock.today())
    context = {"title": "看板", "board": found, "period": period, "periods": known}
    return render(request, "board.html", context)


RANKING_SHOWN = ("rank", "unit", "total", "grade", "tier", "stage", "veto", "current_total")


@endpoint()
def ranking(request: Request) -> Response:
    from pdca.reports.tables import table_of

    app = office(request).app
    period, known = chosen_period(request, app)
    groups: dict[str, Any] = {}
    if period:
        table = table_of(app, "scores", period, app.clock.today())
        columns = [c for c in table.columns if c.key in RANKING_SHOWN]
        for row in table.rows:
            key = f"{row['category'] or '（未分类）'}（方案 {row['scheme']}）"
            group = groups.setdefault(key, {"headers": [c.header for c in columns], "rows": []})
            group["rows"].append([_cell(row.get(c.key)) for c in columns])
    context = {"title": "排名", "groups": groups, "period": period, "periods": known}
    return render(request, "ranking.html", context)


@endpoint()
def ledger(request: Request) -> Response:
    from pdca.reports.tables import table_of

    app = office(request).app
    period, known = chosen_period(request, app)
    keys = ("cycle", "position", "observed_on", "source", "indicator", "points", "status")
    shown = (
        shown_table(
            table_of(app, "ledger", period, app.clock.today()), (*keys, "actor", "evidence")
        )
        if period
        else None
    )
    context = {"title": "台账", "table": shown, "period": period, "periods": known}
    return render(request, "table.html", context)


@endpoint()
def rectifications(request: Request) -> Response:
    from pdca.reports.tables import table_of

    app = office(request).app
    period, known = chosen_period(request, app)
    keys = ("id", "unit", "problem", "due", "status_label", "days_overdue", "colour", "measure")
    table = table_of(app, "rectifications", period, app.clock.today()) if period else None
    context = {
        "title": "整改",
        "table": shown_table(table, keys) if table else None,
        "period": period,
        "periods": known,
        "colours": [r.get("colour") for r in table.rows] if table else [],
    }
    return render(request, "rectifications.html", context)


@endpoint()
def rounds(request: Request) -> Response:
    app = office(request).app
    summaries = app.round_summaries()
    context = {"title": "轮次", "rounds": summaries, "periods": periods(app)}
    return render(request, "rounds.html", context)


@endpoint()
def report(request: Request) -> Response:
    """The round report (``pdca report``): one self-contained page, charts included."""
    from starlette.responses import HTMLResponse

    from pdca.reports import round_report

    app = office(request).app
    period, _known = chosen_period(request, app)
    if period is None:
        return render(request, "rounds.html", {"title": "轮次", "rounds": []})
    html = round_report.build(app, period, app.clock.today(), lambda done: None)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@endpoint()
def verify(request: Request) -> Response:
    report = office(request).app.verify_history()
    problems = [
        {"aggregate": str(getattr(a, "label", "") or getattr(a, "id", "")), "what": str(t)}
        for a, t in report.problems
    ]
    context = {"title": "核验", "report": report, "problems": problems}
    return render(request, "verify.html", context)


ROUTES = [
    Route("/board", board),
    Route("/ranking", ranking),
    Route("/ledger", ledger),
    Route("/rectifications", rectifications),
    Route("/rounds", rounds),
    Route("/report", report),
    Route("/verify", verify),
]

from __future__ import annotations

import shlex
from pathlib import Path

import click

from pdca_cli._columns import Column, or_dash, records, show_table
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json
from pdca_cli.commands.explain import render_tree

#: The demo's published ranking (rows of the scores projection).
RANKING = (
    Column(None, "方案", get="scheme_id"),
    Column(None, "名次", get="rank"),
    Column("unit", "单位"),
    Column("category", "类别"),
    Column("scheme", None, get="scheme_id"),
    Column("total", "总分", get="published_total"),
    Column("grade", "等次", show=or_dash),
    Column("rank", None),
    Column("tier", "档次", show=or_dash),
)


def _fresh_folder() -> Path:
    base = Path.cwd() / "pdca-demo"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"pdca-demo-{n}")
    return candidate


@click.command()
@click.option("--seed", default=2024, show_default=True, help="随机种子：同一种子得到同一段历史。")
@click.option(
    "--units",
    "unit_count",
    default=30,
    show_default=True,
    type=click.IntRange(1, 30),
    help="参加考核的单位数。",
)
@json_option
@pass_cli
def demo(obj: CliContext, seed: int, unit_count: int) -> None:
    """演示：在一个新工作区里走完一轮考核（开启、清单、推进各阶段），可继续用各命令查看。

    \b
    示例:
      pdca demo
      pdca --workspace 演示区 demo --seed 7
      cd pdca-demo && pdca cycle list
    """
    from pdca.application import demo as simulation
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import create_workspace

    root = Path(obj.workspace_option) if obj.workspace_option else _fresh_folder()
    click.echo(f"演示工作区：{root.resolve()}", err=obj.json)
    workspace = create_workspace(root, obj.db_option)
    app = PdcaApplication(workspace, create_tables=True)
    obj._app = app  # closed with the command
    app.projection_runtime().create_tables(include_workspace=True)
    result = simulation.run(app, seed=seed, unit_count=unit_count)
    rows = app.list_cycles(result.period)
    from pdca.reports.tables import ranked

    # As pdca ranking lists it: by scheme, then by category (categories do not interleave).
    everyone = ranked(app.scores_of(result.period), None, workspace.categories)
    ranking = [r for r in everyone if r["rank"] is not None]
    sample = ranking[0]["cycle"]
    explained = app.explain(sample)
    if obj.json:
        emit_json(
            {
                "workspace": str(workspace.root),
                "period": result.period,
                "events": result.events,
                "ranking": records(RANKING, ranking),
                "explain": explained.to_json(),
            }
        )
        return
    counts: dict[str, int] = {}
    for row in rows:
        label = app.stage_label(row["scheme"], row["stage"])
        counts[label] = counts.get(label, 0) + 1
    click.echo(
        f"{result.period} 年度：{len(rows)} 个周期，{result.events} 个事件；阶段："
        + "，".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    show_table(RANKING, ranking, title=f"\n排名（pdca ranking {result.period}）：")
    items = app.list_rectifications(app.clock.today())
    still_open = [r for r in items if r["status"] != "closed"]
    click.echo(
        f"\n整改（pdca rectify list）：交办 {len(items)} 项，已销号 {len(items) - len(still_open)} 项，"
        f"未销号 {len(still_open)} 项（逾期 {sum(1 for r in still_open if r['days_overdue'])} 项，已逐级督办）"
    )
    click.echo(f"\n得分来历（pdca explain {sample}）：")
    for line in render_tree(explained.to_json()["tree"], precision=explained.precision):
        click.echo(line)
    root = shlex.quote(str(workspace.root))
    click.echo(f"\n继续查看：cd {root} && {shlex.quote(_program())} ledger {result.period}")


def _program() -> str:
    """How to run this pdca again from the demo's folder: ``pdca`` when the PATH finds
    this very program, else its full path (after the README's install, pdca is
    ``.venv/bin/pdca``, which no PATH names)."""
    import shutil
    import sys

    here = Path(sys.argv[0]).resolve()
    found = shutil.which("pdca")
    if here.name != "pdca" or (found and Path(found).resolve() == here):
        return "pdca"
    return str(here)

from __future__ import annotations

from pathlib import Path

import click

from pdca.cli._context import CliContext, json_option, pass_cli
from pdca.cli._output import emit_json, emit_table


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
    Example:
      pdca demo
      pdca --workspace 演示区 demo --seed 7
      cd pdca-demo && pdca cycle list
    """
    from pdca import demo as simulation
    from pdca.application import PdcaApplication
    from pdca.workspace import create_workspace

    root = Path(obj.workspace_option) if obj.workspace_option else _fresh_folder()
    click.echo(f"演示工作区：{root.resolve()}", err=obj.json)
    workspace = create_workspace(root, obj.db_option)
    app = PdcaApplication(workspace, create_tables=True)
    obj._app = app  # closed with the command
    app.projection_runtime().create_tables()
    result = simulation.run(app, seed=seed, unit_count=unit_count)
    rows = app.list_cycles(result.period)
    if obj.json:
        emit_json(
            {
                "workspace": str(workspace.root),
                "period": result.period,
                "events": result.events,
                "cycles": [{"cycle": r["cycle"], "stage": r["stage"]} for r in rows],
            }
        )
        return
    counts: dict[str, int] = {}
    for row in rows:
        label = app.stage_label(row["scheme"], row["stage"])
        counts[label] = counts.get(label, 0) + 1
    click.echo(f"{result.period} 年度：{len(rows)} 个周期，{result.events} 个事件")
    emit_table(["阶段", "周期数"], sorted(counts.items()))
    sample = result.cycles[0]
    click.echo(f"\n示例：pdca history {sample}")
    emit_table(
        ["序号", "操作人", "摘要"], [[e.position, e.actor, e.summary] for e in app.history(sample)]
    )
    click.echo(f"\n继续查看：cd {workspace.root} && pdca cycle list")

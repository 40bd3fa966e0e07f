"""grid_ranking：每个联系片（党建工作联系片）内的排名。

南通 (004) 把 91 个机关党组织分为六个联系片分片互评；片内的名次是各片通报、
比学赶超的依据。本投影读每次定稿（Round.Finalized）公布的总分，按单位登记时的
联系片分组，片内按公布总分从高到低排名，总分相同者并列（1、2、2、4）。
再次定稿（更正后重新公布）时整轮重排。分数只读公布结果，不在这里重算。
"""

from decimal import Decimal

from sqlalchemy import Column, Integer, MetaData, String, Table

from pdca.projections.api import Batch, Fact, Projection, handles

metadata = MetaData()

grid_ranking = Table(
    "grid_ranking",
    metadata,
    Column("period", String(20), primary_key=True, comment="考核期"),
    Column("scheme_id", String(100), primary_key=True, comment="方案"),
    Column("unit", String(200), primary_key=True, comment="单位"),
    Column("grid", String(100), nullable=False, index=True, comment="联系片"),
    Column("total", String(40), nullable=False, comment="公布总分"),
    Column("round_rank", Integer, nullable=False, comment="公布名次"),
    Column("grid_rank", Integer, nullable=False, comment="片内名次"),
    Column("grid_size", Integer, nullable=False, comment="片内单位数"),
)
grids = Table(
    "grid_ranking_units",
    metadata,
    Column("unit", String(200), primary_key=True),
    Column("grid", String(100)),
)
NO_GRID = "（未分片）"


class GridRanking(Projection):
    name = "grid_ranking"
    title = "联系片内排名：按公布总分，片内并列同名次"
    version = 2
    tables = (grid_ranking, grids)

    @handles("Unit.Registered")
    def unit_registered(self, fact: Fact, batch: Batch) -> None:
        batch.put(grids, {"unit": fact["name"], "grid": fact["grid"]})

    @handles("Round.Finalized")
    def round_finalized(self, fact: Fact, batch: Batch) -> None:
        opened = batch.opening(fact)  # the round's Round.Opened
        period, scheme_id = opened["period"], opened["scheme_id"]
        for old in batch.rows_where(grid_ranking, "period", period):
            if old["scheme_id"] == scheme_id:
                batch.delete(grid_ranking, period, scheme_id, old["unit"])
        members: dict[str, list[dict]] = {}
        for outcome in fact["outcomes"]:
            unit = batch.get(grids, outcome["unit"]) or {}
            members.setdefault(unit.get("grid") or NO_GRID, []).append(outcome)
        for grid, outcomes in members.items():
            totals = [Decimal(str(o["total"])) for o in outcomes]
            for outcome, total in zip(outcomes, totals, strict=True):
                batch.put(
                    grid_ranking,
                    {
                        "period": period,
                        "scheme_id": scheme_id,
                        "unit": outcome["unit"],
                        "grid": grid,
                        "total": str(total),
                        "round_rank": outcome["rank"],
                        "grid_rank": 1 + sum(other > total for other in totals),
                        "grid_size": len(outcomes),
                    },
                )

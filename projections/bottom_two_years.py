"""bottom_two_years：连续两年排名靠后（南通 004）。

「对排名靠后的进行问责谈话，并在部门综合绩效考核评优中一票否决，连续两年排名靠后
的提请调整党组织负责人」。方案的档次（tiers）标出排名两端：南通方案的最后一档是
“排名靠后”。本投影读每次定稿公布的档次：某年落在最后一档即“靠后”；上一年也靠后
则标记“连续两年靠后”，即提请调整党组织负责人的名单。任一年重新定稿时，该年与下
一年的标记一并重算，所以先定稿后更正也不会留下过时的标记。

哪一档算“靠后”按方案给出（BOTTOM_TIERS）；只处理年度考核期（如 2024）。
"""

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table

from pdca.projections.api import Batch, Fact, Projection, handles

#: 各方案中表示“排名靠后”的档次（公布结果里的档次名称）。
BOTTOM_TIERS = {"nantong": "排名靠后"}

metadata = MetaData()

bottom = Table(
    "bottom_two_years",
    metadata,
    Column("unit", String(200), primary_key=True, comment="单位"),
    Column("period", String(20), primary_key=True, comment="年度"),
    Column("scheme_id", String(100), nullable=False, comment="方案"),
    Column("rank", Integer, nullable=False, comment="名次"),
    Column("tier", String(40), comment="档次"),
    Column("bottom", Boolean, nullable=False, comment="排名靠后"),
    Column("previous_bottom", Boolean, nullable=False, comment="上年靠后"),
    Column("two_years", Boolean, nullable=False, index=True, comment="连续两年靠后"),
)


def _year(period: str) -> int | None:
    return int(period) if period.isdigit() and len(period) == 4 else None


class BottomTwoYears(Projection):
    name = "bottom_two_years"
    title = "连续两年排名靠后（提请调整党组织负责人）"
    version = 2
    tables = (bottom,)

    @handles("Round.Finalized")
    def round_finalized(self, fact: Fact, batch: Batch) -> None:
        opened = batch.opening(fact)  # the round's Round.Opened
        scheme_id, period = opened["scheme_id"], opened["period"]
        year = _year(period)
        if scheme_id not in BOTTOM_TIERS or year is None:
            return
        for outcome in fact["outcomes"]:
            unit = outcome["unit"]
            is_bottom = outcome["tier"] == BOTTOM_TIERS[scheme_id]
            before = batch.get(bottom, unit, str(year - 1))
            previous = bool(before and before["bottom"])
            batch.put(
                bottom,
                {
                    "unit": unit,
                    "period": period,
                    "scheme_id": scheme_id,
                    "rank": outcome["rank"],
                    "tier": outcome["tier"] or None,
                    "bottom": is_bottom,
                    "previous_bottom": previous,
                    "two_years": is_bottom and previous,
                },
            )
            after = batch.get(bottom, unit, str(year + 1))
            if after is not None:
                batch.update(
                    bottom,
                    unit,
                    str(year + 1),
                    previous_bottom=is_bottom,
                    two_years=after["bottom"] and is_bottom,
                )

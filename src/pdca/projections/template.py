"""The starting file ``pdca projections new NAME`` writes: a projection that works
as written, with comments that say how to change it."""

from __future__ import annotations

from pdca.projections.decoding import event_fields

TEMPLATE = '''\
"""{name}：（一句话说明这个视图回答什么问题）

由 `pdca projections new {name}` 生成（并已登记）。改好后：
    pdca projections register            # 管理员核对后重新登记：改过的文件不予运行
    pdca projections rebuild {name}      # 从头重放全部事件
    pdca view {name}                     # 查看表中的行（--where 列=值 筛选，--json）
    pdca projections run {name} --follow # 持续跟随新事件

规则：处理函数只把事件折叠进本批的行（batch.get/put/update/delete），不提交、不
碰数据库会话；运行时把一批行与位置在同一事务里批量写入。
"""

from sqlalchemy import Column, Integer, MetaData, String, Table

from pdca.projections.api import Batch, Fact, Projection, handles

metadata = MetaData()

# 表名以投影名开头，免得与别的投影重名；主键决定 batch.put 覆盖哪一行；
# comment 是 pdca view 显示的列标题。
{name} = Table(
    "{name}",
    metadata,
    Column("unit", String(200), primary_key=True, comment="单位"),
    Column("category", String(100), comment="类别"),
    Column("cycles", Integer, nullable=False, comment="考核周期数"),
)


class {cls}(Projection):
    name = "{name}"
    title = "每个单位的类别与考核周期数（示例，按需改写）"
    # 改了表或处理逻辑就把版本加一：运行时会清空此投影的表并从头重建。
    version = 1
    tables = ({name},)

    @handles("Unit.Registered")
    def unit_registered(self, fact: Fact, batch: Batch) -> None:
        batch.put({name}, {{"unit": fact["name"], "category": fact["category"], "cycles": 0}})

    @handles("Cycle.Opened")
    def cycle_opened(self, fact: Fact, batch: Batch) -> None:
        row = batch.get({name}, fact["unit"])
        if row is not None:
            batch.update({name}, fact["unit"], cycles=row["cycles"] + 1)

    # 需要一个周期的全部事实（任务、发现、测评票……）时，用唯一的折叠：
    #
    #     @handles("Cycle.*")
    #     def cycle_changed(self, fact: Fact, batch: Batch) -> None:
    #         facts = batch.cycle(fact)  # pdca.domain.facts.CycleFacts，含本事件
    #
    # 发现、评分、测评票、否决可能事后被更正：数它们的投影还要处理
    # Cycle.FactWithdrawn（已撤回）与 Cycle.FactAmended（已更正），见 docs/projections.md；
    # batch.cycle(fact).findings() 已去掉撤回的发现，finding.points 是更正后的分值。
    #
    # 需要得分时读 scores 投影的行（pdca view scores），不要在这里再算一遍分。
    # 每批结束时要做的汇总写在 end_batch(self, batch) 里；每批开始时清空的临时
    # 状态写在 begin_batch(self) 里（失败的批会回滚重来）。


# 可处理的事件类型及其字段（fact["字段"]）；fact.originator_id、fact.version、
# fact.position、fact.recorded_at 对每个事件都有：
{events}
'''


def render(name: str) -> str:
    cls = "".join(part.capitalize() for part in name.split("_"))
    events = "\n".join(
        f"#   {event_type}: {', '.join(fields)}" for event_type, fields in event_fields().items()
    )
    return TEMPLATE.format(name=name, cls=cls, events=events)

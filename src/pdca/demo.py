"""A simulated assessment year on the embedded default, deterministic for a seed.

It goes through the application service exactly as supervisors do from the CLI,
so everything it records can be explored afterwards with the ordinary commands.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from pdca.application import PdcaApplication

UNITS: tuple[tuple[str, str], ...] = (
    ("市委办公室", "党政机关"),
    ("市政府办公室", "党政机关"),
    ("市财政局", "党政机关"),
    ("市教育局", "党政机关"),
    ("市卫生健康委", "党政机关"),
    ("市发展改革委", "党政机关"),
    ("市审计局", "党政机关"),
    ("市统计局", "党政机关"),
    ("市民政局", "党政机关"),
    ("市司法局", "党政机关"),
    ("市交通运输局", "党政机关"),
    ("市水利局", "党政机关"),
    ("市农业农村局", "党政机关"),
    ("市商务局", "党政机关"),
    ("市文化旅游局", "党政机关"),
    ("市应急管理局", "党政机关"),
    ("市市场监管局", "党政机关"),
    ("市生态环境局", "党政机关"),
    ("国家统计局调查队", "中直单位"),
    ("人民银行市分行", "中直单位"),
    ("市税务局", "中直单位"),
    ("团市委", "群团组织"),
    ("市妇联", "群团组织"),
    ("市总工会", "群团组织"),
    ("市科协", "群团组织"),
    ("市文联", "群团组织"),
    ("市城投集团", "企事业单位"),
    ("市水务集团", "企事业单位"),
    ("市公交集团", "企事业单位"),
    ("市人民医院", "企事业单位"),
)
GRIDS = ("第一片", "第二片", "第三片", "第四片", "第五片", "第六片")
TASKS = (
    "落实“三会一课”制度",
    "开展主题党日活动",
    "党支部标准化建设",
    "党员发展与教育管理",
    "意识形态工作责任制",
    "党风廉政建设责任清单",
    "上一年考核问题整改",
    "服务中心工作重点项目",
)
#: The triggers that take a cycle of each shipped scheme from 执行 to the end.
LOOPS: dict[str, tuple[str, ...]] = {
    "jilin": ("start_check", "start_act", "close"),
    "gansu": ("start_self_check", "start_on_site", "start_summary", "start_approval", "close"),
}


@dataclass
class DemoResult:
    period: str
    cycles: list[str] = field(default_factory=list)
    events: int = 0


def run(
    app: PdcaApplication,
    seed: int = 2024,
    unit_count: int = 30,
    period: str = "2024",
) -> DemoResult:
    rng = random.Random(seed)
    result = DemoResult(period=period)
    for n, (name, category) in enumerate(UNITS[:unit_count]):
        app.register_unit("演示-组织部", name, category, GRIDS[n % len(GRIDS)])
        scheme = "gansu" if category == "企事业单位" else "jilin"
        cycle = app.open_cycle("演示-督查组", name, period, scheme)
        address = cycle.address
        for title in rng.sample(TASKS, k=rng.randint(3, 6)):
            deadline = date(int(period[:4]), 1, 1) + timedelta(days=rng.randint(90, 360))
            app.add_task("演示-督查组", address, title, deadline, None)
        app.publish_task_list("演示-督查组", address)
        app.advance("演示-督查组", address, "start_do", "任务清单已发布")
        # Leave a few cycles part-way, as a real round looks in November.
        stop = len(LOOPS[scheme]) - (rng.random() < 0.2)
        for trigger in LOOPS[scheme][:stop]:
            app.advance("演示-督查组", address, trigger, None)
        result.cycles.append(address)
    result.events = app.recorder.max_notification_id() or 0
    return result

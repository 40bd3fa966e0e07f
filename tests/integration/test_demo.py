"""The demo's round: every explained total equals the scores projection and the
published outcome, to the last decimal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from click.testing import Result

from tests.conftest import Workspace, workspace_on


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Result]]:
    """The demo on SQLite, built once: the SQLite case checks it, the PostgreSQL case
    compares its own demo's ranking with it (same seed, another workspace and backend)."""
    with workspace_on("sqlite", tmp_path_factory.mktemp("demo") / "ws") as ws:
        yield ws, ws.ok("demo", "--units", "30", "--seed", "7")


def test_explain_of_every_demo_cycle_equals_its_projected_and_published_score(
    backend: str, sqlite_demo: tuple[Workspace, Result], request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        ws, out = sqlite_demo
    else:
        ws = request.getfixturevalue("workspace")
        out = ws.ok("demo", "--units", "30", "--seed", "7")
    assert out.output.splitlines()[0] == f"演示工作区：{ws.root}"
    ranking = json.loads(ws.ok("ranking", "2024", "--json").output)
    assert len(ranking) == 30
    explained = {}
    for row in ranking:
        found = json.loads(ws.ok("explain", f"{row['unit']}/2024", "--json").output)
        assert found["total"] == row["current_total"] == row["total"], row["unit"]
        assert found["outcome"]["total"] == row["total"]
        assert found["outcome"]["rank"] == row["rank"]
        explained[row["unit"]] = found
    # All five seed systems run, each finalised with its own round.
    assert {r["scheme"].split("@")[0] for r in ranking} == {
        "jilin",
        "gansu",
        "dazhou",
        "soe",
        "nantong",
    }
    rounds = json.loads(ws.ok("round", "list", "--json").output)
    finalised = {(r["period"], r["scheme"].split("@")[0]) for r in rounds if r.get("published")}
    assert {("2024", s) for s in ("jilin", "gansu", "dazhou", "soe", "nantong")} <= finalised
    # 达州's quarterly 履职指数: four quarter rounds published, rolled up into the year.
    assert {(f"2024-Q{q}", "dazhou") for q in range(1, 5)} <= finalised
    dazhou = next(r for r in ranking if r["scheme"].startswith("dazhou"))
    tree = ws.ok("explain", f"{dazhou['unit']}/2024").output
    assert all(f"2024-Q{q} 发布的总分" in tree for q in range(1, 5))
    # 南通's 分片互评: the peer units' ballots went through the box and the box was closed.
    nantong = next(r for r in ranking if r["scheme"].startswith("nantong"))
    history = ws.ok("history", f"{nantong['unit']}/2024").output
    assert "向评价单位发放测评票" in history and "票入票箱" in history
    assert "关闭票箱" in history
    _seed_figures(ws, ranking, explained)
    # Deterministic for a seed, whatever the backend: PostgreSQL's demo ranks as SQLite's,
    # built in another workspace from the same seed.
    if backend != "sqlite":
        ranks = sorted(_ranks(ranking))
        assert ranks == sorted(
            _ranks(json.loads(sqlite_demo[0].ok("ranking", "2024", "--json").output))
        )


def _ranks(ranking: list[dict]) -> list[tuple]:  # type: ignore[type-arg]
    return [(r["unit"], r["total"], r["rank"], r["grade"], r["tier"]) for r in ranking]


def _seed_figures(
    ws: Workspace,
    ranking: list[dict],  # type: ignore[type-arg]
    explained: dict[str, dict],  # type: ignore[type-arg]
) -> None:
    """Each scheme runs with its seed's figures (the arithmetic is the seed's own);
    ``explained``: each ranked unit's ``explain --json``, read once above."""
    weights = {}
    for row in ranking:
        weights[row["scheme"].split("@")[0]] = {
            c["id"]: c["weight"] for c in explained[row["unit"]]["components"]
        }
    # 001 吉林: 40% 述职现场群众评议 + 30% 平时调研督查暗访 + 30% 重点任务.
    assert weights["jilin"] == {"ballot": "40", "daily": "30", "tasks": "30"}
    # 003 甘肃: 实地考核 60% + 平时 30% + 民主测评 10%.
    assert weights["gansu"] == {"on_site": "60", "routine": "30", "democratic": "10"}
    # 002 述评考用: 定量:定性 = 7:3 — 述职评议 10% + 民主测评 20% = 30 qualitative.
    soe = weights["soe"]
    assert Decimal(soe["report_review"]) + Decimal(soe["democratic"]) == 30
    assert sum(Decimal(w) for w in soe.values()) == 100
    shown = {s: json.loads(ws.ok("scheme", "show", s, "--json").output) for s in weights}
    masses = next(g for g in shown["soe"]["ballot"]["groups"] if g["id"] == "masses")
    assert Decimal(masses["weight"]) >= 15  # 002: 群众评价比例不少于15%
    # 001 吉林: 5 items, 19 采分点, 100 points on the ballot.
    items = shown["jilin"]["ballot"]["items"]
    assert len(items) == 5 and sum(len(i["points"]) for i in items) == 19
    assert sum(Decimal(i["max"]) for i in items) == 100
    # 003 甘肃: 4 大重点 → 16 类 → 71 条 (the areas' categories and items).
    gansu = shown["gansu"]
    in_areas = [c for c in gansu["catalog"] if c["area"]]
    assert len(gansu["areas"]) == 4 and len(in_areas) == 16
    assert sum(len(c["items"]) for c in in_areas) == 71
    # 000 达州: the 履职指数's 六大类17项.
    duty = next(c for c in shown["dazhou"]["components"] if c["id"] == "duty_index")
    duty_items = [c for c in shown["dazhou"]["catalog"] if c["id"] in duty["categories"]]
    assert len(duty_items) == 6 and sum(len(c["items"]) for c in duty_items) == 17
    # …and its 56 指标, the items' 采分点 (recorded point by point in the demo).
    assert sum(len(i["points"]) for c in duty_items for i in c["items"]) == 56
    # 004 南通: six grids, each with one of the demo's 南通 units.
    units = {u["unit"]: u for u in json.loads(ws.ok("unit", "list", "--json").output)}
    nantong = [r["unit"] for r in ranking if r["scheme"].startswith("nantong")]
    assert len({units[u]["grid"] for u in nantong}) == 6

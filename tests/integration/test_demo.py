"""The demo's round: every explained total equals the scores projection and the
published outcome, to the last decimal."""

from __future__ import annotations

import json

from tests.conftest import Workspace


def test_explain_of_every_demo_cycle_equals_its_projected_and_published_score(
    workspace: Workspace,
) -> None:
    ws = workspace
    out = ws.ok("demo", "--units", "30", "--seed", "7")
    assert out.output.splitlines()[0] == f"演示工作区：{ws.root}"
    ranking = json.loads(ws.ok("ranking", "2024", "--json").output)
    assert len(ranking) == 30
    for row in ranking:
        explained = json.loads(ws.ok("explain", f"{row['unit']}/2024", "--json").output)
        assert explained["total"] == row["current_total"] == row["total"], row["unit"]
        assert explained["outcome"]["total"] == row["total"]
        assert explained["outcome"]["rank"] == row["rank"]
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
    # Deterministic for a seed: the same seed in another workspace gives the same ranking.
    ranks = sorted((r["unit"], r["total"], r["rank"], r["grade"], r["tier"]) for r in ranking)
    assert ranks == sorted(_demo_ranking(ws, 7))


def _demo_ranking(ws: Workspace, seed: int) -> list[tuple]:  # type: ignore[type-arg]
    import os
    import tempfile

    from click.testing import CliRunner
    from pdca_cli import cli

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "PDCA_WORKSPACE": os.path.join(tmp, "again"),
            "PDCA_DB": "sqlite:///pdca.sqlite3",
            "PDCA_ACTOR": "x",
        }
        runner = CliRunner()
        result = runner.invoke(
            cli, ["demo", "--units", "30", "--seed", str(seed)], env=env, catch_exceptions=False
        )
        assert result.exit_code == 0, result.output[-800:]
        rows = json.loads(runner.invoke(cli, ["ranking", "2024", "--json"], env=env).output)
    return [(r["unit"], r["total"], r["rank"], r["grade"], r["tier"]) for r in rows]

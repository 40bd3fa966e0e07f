"""The PostgreSQL safeguards' pure parts: group role names, what a stamp says about a
row, and the statements init runs (the database tests run them for real)."""

from __future__ import annotations

from pdca.storage import append_only, group_roles
from pdca.storage.stamps import Stamp, disagreement, recorded_principal


def test_group_role_names_carry_the_database_and_schema_and_fit_postgresql() -> None:
    assert group_roles.names("pdca", "public") == {
        "writer": "pdca_pdca_public_writer",
        "reader": "pdca_pdca_public_reader",
        "admin": "pdca_pdca_public_admin",
        "worker": "pdca_pdca_public_worker",
        "service": "pdca_pdca_public_service",
    }
    odd = group_roles.names("考核-DB", "Office 2024")
    assert odd["writer"] == "pdca_db_office_2024_writer"
    long_a = group_roles.names("d" * 40, "s" * 40)
    long_b = group_roles.names("d" * 40, "s" * 39 + "t")
    assert all(len(n.encode()) <= 63 for n in long_a.values())
    assert long_a["admin"] != long_b["admin"]  # cut short, still apart
    assert long_a["service"] != long_b["service"]
    # A base of exactly 56 letters: the four first kinds fit uncut (their names are the
    # ones deployments already have); the longer ``service`` alone is cut, and still apart.
    edge_a, edge_b = (
        group_roles.names("x" * 25, "y" * 25),
        group_roles.names("x" * 25, "y" * 24 + "z"),
    )
    assert edge_a["writer"] == "pdca_" + "x" * 25 + "_" + "y" * 25 + "_writer"
    assert all(len(n.encode()) <= 63 for n in (*edge_a.values(), *edge_b.values()))
    assert edge_a["service"] != edge_b["service"]


def test_a_row_is_flagged_only_when_its_stamp_names_another_login() -> None:
    assert recorded_principal({"principal": "zhang", "actor": "张三"}) == "zhang"
    assert recorded_principal({"actor": "张三"}) == "张三"  # before principals were recorded
    assert recorded_principal({"actor": ""}) is None
    assert disagreement(None, "zhang") is None  # SQLite, or not asked
    assert disagreement(Stamp("zhang", True), "zhang") is None
    assert "由数据库登录 li 写入" in (disagreement(Stamp("li", True), "zhang") or "")
    assert disagreement(Stamp(None, False), "zhang") is None  # stored before the stamp
    assert "登录戳触发器被关闭" in (disagreement(Stamp(None, True), "zhang") or "")


def test_the_statements_are_idempotent_and_refuse_for_everyone() -> None:
    sql = append_only.statements("s", "pdca_events")
    assert "ADD COLUMN IF NOT EXISTS principal_stamp" in sql[0]
    assert any("NEW.principal_stamp := session_user" in s for s in sql)
    guard = [s for s in sql if s.startswith("CREATE TRIGGER pdca_append_only")]
    assert guard == [
        'CREATE TRIGGER pdca_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "s"."pdca_events" '
        'FOR EACH STATEMENT EXECUTE FUNCTION "s"."pdca_refuse_change"()'
    ]
    # Each trigger is dropped before it is made: re-running init puts a lifted one back.
    assert sum(s.startswith("DROP TRIGGER IF EXISTS") for s in sql) == 2
    roles = group_roles.names("db", "s")
    script = group_roles.script(group_roles.statements("s", "pdca_events", "pdca_meta", "o", roles))
    assert "IF NOT EXISTS (SELECT FROM pg_roles" in script
    assert (
        'GRANT INSERT, UPDATE ON "s"."pdca_events" TO "pdca_db_s_writer", "pdca_db_s_admin"'
        in script
    )
    # The event table is granted nowhere else (the view tables' loop excludes it by name).
    on_events = [line for line in script.splitlines() if '"pdca_events"' in line]
    assert len(on_events) == 1 and "DELETE" not in on_events[0]

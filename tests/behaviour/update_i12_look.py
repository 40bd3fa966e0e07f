"""Update ``answers.json`` for the displays issue 12's items 7 and 8 ("discoverable ids",
"what people look at") change on purpose — and only those.

Run once by that change (``python -m tests.behaviour.update_i12_look``). Every recorded
answer is either

- **translated**: click's own words and the refusal prefix turned Chinese (``WORDS``
  below, applied to the recorded text) — and the script checks that this is exactly
  what pdca now prints; or
- **re-recorded**: one of ``CHANGED``, whose display changes on purpose for another
  reason, listed with the reason.

Anything else that moved is reported and nothing is written.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

#: click's words (pdca_cli/locale/zh_CN/LC_MESSAGES/messages.po) and pdca's own example
#: heading, as a recorded answer spells them → as pdca prints them now.
WORDS = (
    ("Usage: ", "用法: "),
    ("\nOptions:\n", "\n选项:\n"),
    ("\nCommands:\n", "\n命令:\n"),
    ("\n  Example:\n", "\n  示例:\n"),
    ("Show this message and exit.", "显示本帮助并退出。"),
    ("Show the version and exit.", "显示版本并退出。"),
    ("  [default: ", "  [默认："),
    ("Try '", "运行 '"),
    ("' for help.", "' 查看帮助。"),
    ("Error: Missing option ", "错误：缺少选项 "),
    ("Error: Missing argument ", "错误：缺少参数 "),
    ("Error: ", "错误："),
)

#: Re-recorded, and why.
CHANGED = {
    # The help texts this change rewrote: labels accepted where ids are, whole scheme
    # shown, examples with ids a shipped scheme has.
    ("ballot", "--help"): "cast: items by id or label",
    ("ballot", "cast", "--help"): "items by id or label; the example's items are 吉林's",
    ("ballot", "import", "--help"): "the example's CSV columns are 吉林's ballot items",
    ("ballot", "issue", "--help"): "--group: id or label",
    ("cycle", "--help"): "advance: trigger by name or label",
    ("cycle", "advance", "--help"): "trigger by name or label",
    ("finding", "record", "--help"): "--indicator: id or label; an example by label",
    ("scheme", "--help"): "show: the whole scheme",
    ("scheme", "show", "--help"): "the whole scheme, and a --json example",
    ("score", "--help"): "record/na: id or label",
    ("score", "na", "--help"): "component by id or label",
    ("score", "record", "--help"): "ITEM by id or label; examples with 甘肃's items",
    ("veto", "apply", "--help"): "--rule: id or label",
    # The whole scheme.
    ("scheme", "show", "jilin"): "components, ballot items and groups, indicators, grades, tiers",
    ("scheme", "show", "gansu"): "components, the catalogue's 17 items, ballot, grades",
    # Figures at the scheme's precision; the unrounded total without 28 digits.
    ("explain", "市财政局/2024"): "worked-out figures at 0.01; 未舍入 85.25",
    ("explain", "市财政局/2024", "--json"): "precision key; notes 得分 at 0.01, 未舍入 shortened",
    ("explain", "市水务集团/2024"): "worked-out figures at 0.01",
    ("explain", "市水务集团/2024", "--json"): "precision key; notes 得分 at 0.01, 未舍入 shortened",
    # Grouped by category.
    ("ranking", "2024"): "one table per scheme and unit category",
    ("ranking", "2024", "--json"): "rows grouped by category (same rows, same keys)",
    ("export", "scores", "2024", "--format", "csv"): "rows grouped by category",
    ("export", "scores", "2024", "--format", "json"): "rows grouped by category",
}


def translated(text: str) -> str:
    for english, chinese in WORDS:
        text = text.replace(english, chinese)
    return text


def main() -> None:
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    assert [a["args"] for a in found] == [a["args"] for a in recorded]
    updated, moved = [], []
    for now, before in zip(found, recorded, strict=True):
        args = tuple(now["args"])
        if args in CHANGED:
            updated.append(now)
            continue
        expected = {**before, "stdout": translated(before["stdout"])}
        expected["stderr"] = translated(before["stderr"])
        if expected != now:
            moved.append(" ".join(args))
        updated.append(expected)
    if moved:
        sys.exit(f"answers changed beyond click's words, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(updated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    retranslated = sum(a != b for a, b in zip(updated, recorded, strict=True)) - len(CHANGED)
    print(
        f"{len(CHANGED)} answers re-recorded, {retranslated} translated, in {ANSWERS}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

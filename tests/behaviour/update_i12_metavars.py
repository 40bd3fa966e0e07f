"""Update ``answers.json`` for click's placeholders turned Chinese (issue 12 item 8:
"click's own words in Chinese"): ``[OPTIONS]`` → ``[选项]``, ``COMMAND [ARGS]...`` →
``命令 [参数]...``, a type's placeholder (``TEXT`` → ``文本``, ``INTEGER`` → ``整数``,
``FLOAT`` → ``小数``), ``[required]`` → ``[必填]``, and the option list lined up by
display width (a Chinese character takes two columns).

Every answer is re-recorded; the script checks that each differs from what was recorded
only by those words and by spacing (the columns line up anew, so a description may wrap
at another place). Anything else that moved is reported and nothing is written.
Run once: ``python -m tests.behaviour.update_i12_metavars``.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

WORDS = (
    ("[OPTIONS]", "[选项]"),
    ("COMMAND [ARGS]...", "命令 [参数]..."),
    (" TEXT", " 文本"),
    (" INTEGER RANGE", " 整数"),
    (" INTEGER", " 整数"),
    (" FLOAT RANGE", " 小数"),
    (" FLOAT", " 小数"),
    ("[required]", "[必填]"),
)


def words_only(text: str) -> str:
    for english, chinese in WORDS:
        text = text.replace(english, chinese)
    return re.sub(r"\s+", "", text)


def main() -> None:
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    assert [a["args"] for a in found] == [a["args"] for a in recorded]
    moved = [
        " ".join(now["args"])
        for now, before in zip(found, recorded, strict=True)
        if now["exit_code"] != before["exit_code"]
        or any(words_only(now[k]) != words_only(before[k]) for k in ("stdout", "stderr"))
    ]
    if moved:
        sys.exit(f"answers changed beyond click's placeholders, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    changed = sum(a != b for a, b in zip(found, recorded, strict=True))
    print(f"{changed} answers re-recorded in {ANSWERS}", file=sys.stderr)


if __name__ == "__main__":
    main()

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

from tests.behaviour.rerecord import Answer, Args, rerecord

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
    return "".join(text.split())


def placeholders_only(args: Args, before: Answer, now: Answer) -> bool:
    return now["exit_code"] == before["exit_code"] and all(
        words_only(now[k]) == words_only(before[k]) for k in ("stdout", "stderr")
    )


if __name__ == "__main__":
    rerecord(placeholders_only)

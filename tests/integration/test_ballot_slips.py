"""Printed ballot slips (issue 15, item 6): ``pdca ballot slips`` on SQLite and
PostgreSQL — the page parsed back, every QR code decoded to its slip's link, every
token cast once and refused the second time; refusals write no event and no file."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import Workspace
from tests.integration.test_scoring_refusals import CYCLE, in_check

BASE = "http://kaohe.test:8000"
#: 吉林's masses ballot, item totals: 20 + 19 + 18 + 17 + 9 (each within its maximum).
MARKS = ("duty=20", "report=19", "answers=18", "daily_work=17", "rectification=9")


class Slips(HTMLParser):
    """Each ``section.slip``: its inline SVG and the text of its link and token."""

    def __init__(self) -> None:
        super().__init__()
        self.slips: list[dict[str, str]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section" and found.get("class") == "slip":
            self.slips.append({"svg": "", "link": "", "token": ""})
        elif tag == "svg" and self.slips:
            self.slips[-1]["viewbox"] = found["viewbox"] or ""
        elif tag == "path" and self.slips:
            self.slips[-1]["svg"] = found["d"] or ""
        elif tag in ("p", "span") and found.get("class") in ("link", "token"):
            self._in = found["class"]

    def handle_data(self, data: str) -> None:
        if self._in:
            self.slips[-1][self._in] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "span"):
            self._in = None


def decoded(path: str, viewbox: str) -> str:
    """The text of a QR code drawn as segno's one-path SVG: its dark runs (``h``)
    painted into an image, read by zxing."""
    import zxingcpp
    from PIL import Image, ImageDraw

    size = int(viewbox.split()[2])
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            row = int(y - 0.5)
            draw.rectangle(
                [x * scale, row * scale, (x + float(a)) * scale - 1, (row + 1) * scale - 1], 0
            )
            x += float(a)
    (found,) = zxingcpp.read_barcodes(image)
    return found.text


def in_check_stage(ws: Workspace) -> None:
    in_check(ws)
    ws.ok("cycle", "advance", CYCLE, "start_check")


def test_slips_decode_to_their_links_and_each_token_votes_once(
    workspace: Workspace, tmp_path: Path
) -> None:
    in_check_stage(workspace)
    target = tmp_path / "slips.html"
    out = workspace.ok(
        "ballot", "slips", CYCLE, "--group", "masses", "--count", "3",
        "-o", str(target), "--base-url", BASE + "/",
    ).output  # fmt: skip
    assert out == f"已发放 3 张测评票（党员群众代表），写入 {target}\n"
    page = Slips()
    page.feed(target.read_text(encoding="utf-8"))
    assert len(page.slips) == 3
    tokens = [s["token"] for s in page.slips]
    assert len(set(tokens)) == 3 and all(re.fullmatch(r"(\w{4}-){6}\w{4}", t) for t in tokens)
    for slip in page.slips:
        link = f"{BASE}/ballot/{slip['token']}"  # the trailing / of --base-url is dropped
        assert slip["link"] == link
        assert decoded(slip["svg"], slip["viewbox"]) == link
    assert not any(t in out for t in tokens)  # the terminal never shows a token
    for token in tokens:
        workspace.ok("ballot", "cast", CYCLE, "--token", token, *MARKS)
    line = workspace.refused("ballot", "cast", CYCLE, "--token", tokens[0], *MARKS)
    assert "已使用过" in line
    closed = workspace.ok("ballot", "close", CYCLE).output
    assert "计入 3 张" in closed


def test_the_base_url_comes_from_the_workspace_when_no_option_names_one(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    in_check_stage(ws)
    config = ws.root / "pdca.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[web]\nbase_url = "https://kh.example.cn/pdca"\n',
        encoding="utf-8",
    )
    target = tmp_path / "s.html"
    ws.ok("ballot", "slips", CYCLE, "--group", "masses", "--count", "1", "-o", str(target))
    page = Slips()
    page.feed(target.read_text(encoding="utf-8"))
    (slip,) = page.slips
    assert slip["link"] == f"https://kh.example.cn/pdca/ballot/{slip['token']}"


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ((), "没有投票网址"),
        (("--base-url", "ftp://kaohe.test"), "投票网址 'ftp://kaohe.test' 不可用"),
        (("--base-url", "http://kaohe.test/?a=1"), "不带 ? 与 #"),
        (("--base-url", "http://考核.test"), "ASCII"),
        (("--base-url", BASE, "--count", "0"), "一次发放 0 张不可"),
        (("--base-url", BASE, "--group", "nosuch"), "nosuch"),
    ],
)
def test_a_refused_slips_command_issues_nothing_and_writes_no_file(
    sqlite_workspace: Workspace, tmp_path: Path, extra: tuple[str, ...], said: str
) -> None:
    ws = sqlite_workspace
    in_check_stage(ws)
    target = tmp_path / "s.html"
    options = {"--group": "masses", "--count": "2"}
    for key, value in zip(extra[::2], extra[1::2], strict=True):
        options[key] = value
    args = [a for kv in options.items() for a in kv]
    line = ws.refused("ballot", "slips", CYCLE, *args, "-o", str(target))
    assert said in line
    assert not target.exists()


def test_slips_to_a_folder_are_refused_before_a_token_is_issued(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    in_check_stage(ws)
    line = ws.refused(
        "ballot", "slips", CYCLE, "--group", "masses", "--count", "2",
        "--base-url", BASE, "-o", str(tmp_path) + "/",
    )  # fmt: skip
    assert "是目录" in line

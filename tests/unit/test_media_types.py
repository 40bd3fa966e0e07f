"""An attachment's kind is read from its bytes: magic numbers, and for zips the names
inside; the extension is never looked at."""

from __future__ import annotations

import io
import zipfile

import pytest

from pdca.storage.media_types import KINDS, MEDIA_TYPES, sniff


def zipped(*names: str) -> bytes:
    """A zip of those names, the same bytes whenever it is made: its bytes are test ids,
    and xdist's workers must collect the same ids (a member stamped with the clock
    differed between two workers that collected across a two-second tick)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            member = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            member.external_attr = 0o600 << 16  # as writestr gives a member named by a str
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


def ole(stream: str) -> bytes:
    # The compound file signature, then a directory entry's UTF-16 name.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream.encode("utf-16-le")


SAMPLES = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "ofd": zipped("OFD.xml", "Doc_0/Document.xml"),
    "docx": zipped("[Content_Types].xml", "word/document.xml"),
    "xlsx": zipped("[Content_Types].xml", "xl/workbook.xml"),
    "wps": ole("WordDocument"),
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00",
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_known_by_its_bytes(kind: str) -> None:
    assert sniff(SAMPLES[kind]) == (kind, MEDIA_TYPES[kind])


def test_an_mp3_without_a_tag_is_known_by_its_frame_header() -> None:
    assert sniff(b"\xff\xfb\x90\x64" + bytes(20)) == ("mp3", "audio/mpeg")


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, named scan.pdf",
        b"",
        zipped("readme.txt"),  # a zip, but not an office document
        zipped("[Content_Types].xml", "ppt/presentation.xml"),  # pptx: not allowed
        ole("Workbook"),  # .xls / .et: a spreadsheet, not a WPS 文字 file
        b"PK\x03\x04 truncated zip",
        b"GIF89a\x01\x00",
    ],
)
def test_anything_else_is_unknown(data: bytes) -> None:
    assert sniff(data) is None


def test_a_workspace_allows_every_known_kind_by_default() -> None:
    from pdca.application.workspace import DEFAULT_ATTACHMENT_TYPES

    assert DEFAULT_ATTACHMENT_TYPES == KINDS

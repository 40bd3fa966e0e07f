"""What kind of file an attachment is, read from its bytes, never from its name.

An office renames files freely (``扫描件.pdf`` that is a JPEG, ``台账.xlsx`` that is a
CSV), and a name says nothing a reader can rely on: the type is what the first bytes
and, for zip-based formats, the names inside say. Standard library only.

Kinds (the workspace's ``[attachments] types`` names them): pdf, ofd, jpg, png, docx,
xlsx, wps, mp3, mp4. ``sniff`` returns the kind and its media type, or None.
"""

from __future__ import annotations

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "wps": "application/vnd.ms-works",  # WPS 文字: OLE like .doc, or zip like .docx
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
}
KINDS = tuple(MEDIA_TYPES)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .doc, .xls, .wps, .et
_ZIP = b"PK\x03\x04"
_MP3_FRAME_SYNC = 0xFFE0  # eleven set bits: an MPEG audio frame header


def sniff(data: bytes) -> tuple[str, str] | None:
    """``(kind, media type)`` of ``data``, or None when it is none of the known kinds."""
    kind = _kind(data)
    return (kind, MEDIA_TYPES[kind]) if kind else None


def _kind(data: bytes) -> str | None:
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(_ZIP):
        return _zip_kind(data)
    if head.startswith(_OLE):
        return _ole_kind(data)
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"  # ISO base media: mp4, m4a, mov all start with an ftyp box
    if head.startswith(b"ID3") or (
        len(head) >= 2 and int.from_bytes(head[:2], "big") & _MP3_FRAME_SYNC == _MP3_FRAME_SYNC
    ):
        return "mp3"
    return None


def _zip_kind(data: bytes) -> str | None:
    """Office Open XML, OFD (GB/T 33190) and zipped WPS files are zips: their inner
    names tell them apart; any other zip is none of ours."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


def _ole_kind(data: bytes) -> str | None:
    """An OLE compound file holding a word-processing stream is a WPS 文字 file (.wps
    keeps the Word 97 stream layout; an old .doc reads the same and is taken as one);
    a spreadsheet (.xls, .et) or any other compound file is not. Directory entry names
    are UTF-16: finding the stream's name in the bytes spares a full OLE reader."""
    return "wps" if "WordDocument".encode("utf-16-le") in data else None

"""Untrusted archives and XML: judge a zip by its directory before inflating, parse XML defused."""

from __future__ import annotations

import io
import re
import stat
import struct
import zipfile
import zlib
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from vignette.books.parsing.model import BookRejected, Limits

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_CHUNK = 64 * 1024


def check_size(data: bytes, limits: Limits) -> None:
    """Reject an upload larger than the configured maximum."""
    if len(data) > limits.max_file_bytes:
        size, limit = len(data) // 1024, limits.max_file_bytes // 1024
        raise BookRejected("too_large", f"The file is {size} KiB; the limit is {limit} KiB.")


def declared_entry_count(data: bytes) -> int:
    """The entry count from the end-of-central-directory record, read without zipfile."""
    # zipfile materialises every directory entry up front, so a million-entry archive would cost
    # memory and time before any limit could be applied: read the count ourselves first.
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD.size - 65535))
    if pos < 0 or pos + _EOCD.size > len(data):
        raise BookRejected("malformed", "The archive is truncated or corrupt (no zip directory).")
    fields = _EOCD.unpack_from(data, pos)
    count = int(fields[4])
    if count != 0xFFFF and fields[5] != 0xFFFFFFFF:
        return count
    loc = pos - _ZIP64_LOCATOR.size
    if loc < 0 or data[loc : loc + 4] != b"PK\x06\x07":
        raise BookRejected("malformed", "The archive's zip64 directory is missing.")
    offset = int(_ZIP64_LOCATOR.unpack_from(data, loc)[2])
    if offset + _ZIP64_EOCD.size > len(data) or data[offset : offset + 4] != b"PK\x06\x06":
        raise BookRejected("malformed", "The archive's zip64 directory is corrupt.")
    return int(_ZIP64_EOCD.unpack_from(data, offset)[7])


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.filename.replace("\\", "/")
    parts = name.split("/")
    if (
        name.startswith("/")
        or re.match(r"^[A-Za-z]:", name)
        or "\x00" in name
        or any(part == ".." for part in parts)
    ):
        raise BookRejected(
            "unsafe_archive", f"The archive has an unsafe entry name: {name[:100]!r}."
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise BookRejected(
            "unsafe_archive", f"The archive contains a symbolic link: {name[:100]!r}."
        )


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Open a zip after checking names, entry count, sizes and compression ratios."""
    count = declared_entry_count(data)
    if count > limits.max_entries:
        raise BookRejected(
            "zip_bomb",
            f"The archive has {count} entries; at most {limits.max_entries} are allowed.",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise BookRejected("malformed", f"The archive is truncated or corrupt ({exc}).") from exc
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise BookRejected("zip_bomb", f"The archive has {len(infos)} entries; too many.")
    seen: set[str] = set()
    total = 0
    packed = 0
    for info in infos:
        _check_name(info)
        if info.filename in seen:
            raise BookRejected(
                "unsafe_archive", f"The archive repeats the entry {info.filename!r}."
            )
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise BookRejected("unsupported_format", "The archive is encrypted.")
        if info.file_size > limits.max_entry_bytes:
            raise BookRejected(
                "zip_bomb", f"The entry {info.filename!r} would inflate to {info.file_size} bytes."
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_min_bytes and ratio > limits.max_ratio:
            raise BookRejected(
                "zip_bomb", f"The entry {info.filename!r} is compressed {ratio:.0f}:1; too dense."
            )
        total += info.file_size
        packed += info.compress_size
    if total > limits.max_total_bytes:
        raise BookRejected("zip_bomb", f"The archive would inflate to {total} bytes; too much.")
    if total >= limits.ratio_min_bytes and total / max(packed, 1) > limits.max_ratio:
        raise BookRejected("zip_bomb", "The archive is compressed far more densely than a book.")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """Inflate one entry, stopping at the limit even if its header understates the size."""
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise BookRejected("malformed", f"The archive has no entry {name!r}.") from exc
    cap = min(info.file_size, limits.max_entry_bytes)
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(min(_CHUNK, cap + 1 - len(out)))
                if not chunk:
                    break
                out += chunk
                if len(out) > cap:
                    raise BookRejected("zip_bomb", f"The entry {name!r} inflates past its limit.")
    except BookRejected:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise BookRejected("malformed", f"The entry {name!r} is corrupt ({exc}).") from exc
    return bytes(out)


_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_NAMED_REF = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_NAMED = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_DECLARED_ENCODING = re.compile(rb"^(\s*<\?xml[^>]*?encoding=)([\"'])([A-Za-z0-9._-]+)\2")


def _numeric_refs(data: bytes) -> bytes:
    from html.entities import name2codepoint

    def swap(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name in _XML_NAMED:
            return match.group(0)
        code = name2codepoint.get(name.decode("ascii"))
        return b"&#%d;" % code if code is not None else b"?"

    return _NAMED_REF.sub(swap, data)


def _as_utf8(data: bytes) -> bytes:
    # Text that starts with a UTF-16 BOM is re-encoded so the byte-level checks below can see it.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
        return _DECLARED_ENCODING.sub(rb"\1\2utf-8\2", text.encode("utf-8"), count=1)
    return data


def parse_xml(data: bytes, what: str, *, html_entities: bool = False) -> Element:
    """Parse untrusted XML: no entity declarations, no external references, no DTD subset."""
    data = _as_utf8(data)
    head = data[:65536]
    if _INTERNAL_SUBSET.search(head) or b"<!ENTITY" in data:
        raise BookRejected("unsafe_xml", f"{what} declares entities or a DTD; that is not allowed.")
    if html_entities:
        # XHTML may use HTML names such as &nbsp;, which XML knows only from a DTD we never load.
        data = _numeric_refs(data)
    try:
        return _parse(data)
    except DefusedXmlException as exc:
        raise BookRejected("unsafe_xml", f"{what} uses forbidden XML features ({exc}).") from exc
    except ParseError as exc:
        fixed = _reencode_misdeclared(data)
        if fixed is not None:
            try:
                return _parse(fixed)
            except (ParseError, DefusedXmlException):
                pass
        raise BookRejected("malformed", f"{what} is not well-formed XML ({exc}).") from exc


def _parse(data: bytes) -> Element:
    root = DefusedET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    if not isinstance(root, Element):
        raise ParseError("no root element")
    return root


def _reencode_misdeclared(data: bytes) -> bytes | None:
    """Russian books often say UTF-8 (or nothing) but are Windows-1251; try that once."""
    match = _DECLARED_ENCODING.match(data)
    declared = match.group(3).decode("ascii").lower() if match else "utf-8"
    if declared.replace("-", "").replace("_", "") not in ("utf8", ""):
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace").encode("utf-8")
    return _DECLARED_ENCODING.sub(rb"\1\2utf-8\2", text, count=1)

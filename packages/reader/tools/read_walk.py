#!/usr/bin/env python3
"""Reference reader for pwalk-ts walk folders, written from ../FORMAT.md.

Standard library only. It exists to cross-check the TypeScript reader, so it
follows the spec text, not the TypeScript decoder.

    python3 read_walk.py WALK_DIR               one JSON object per record, file order
    python3 read_walk.py --manifest WALK_DIR    the manifest as JSON (bytes as base64,
                                                every key but the `reserve` padding)
    python3 read_walk.py --skip-corrupt WALK_DIR  lenient: report damage and read the rest

Thread files read (FORMAT.md section 1): every file of the folder named
thread_<id>.bin in natural order whose header checks out and carries the walk's
id, the one held by most of the manifest and the readable headers (a tie goes to
the earlier file, then to the manifest). A manifest of another walk is set aside;
a file the manifest names that is not there is lost. Every header is checked
before any record is printed. Strict (the default), the first such problem stops
the walk; lenient (--skip-corrupt), each is reported and the rest read, as after
a corrupt block, and a truncated tail of a 'complete' walk is only reported.

Every record: {"relativePathBase64", "pathBase64" (the full path: root joined
with the relative path, section 3.6), "depth", "type", "inode", "parentInode"}.
Entry records add "size", "mtime" and "blocks", "mode", "uid", "gid", "nlink",
"dev", "atime", "ctime" (null without the ATTRS extension). Error records add
"error": {"syscall", "code"}. 64-bit values are printed as exact JSON integers.

Problems go to stderr as "read_walk: CODE: message (file at byte N)", in the
order met; when the walk cannot be read whole, the last line is the error that
stopped it. Exit status: 0 read (a truncated tail of a walk that is not
'complete' is only reported; with --skip-corrupt every problem is); 1 usage; 2 the
walk could not be read whole (strict: bad manifest or header, lost file, corrupt
block or record, truncated tail of a 'complete' walk, I/O error; either mode: an
unsupported manifest version, or nothing in the folder is a walk).
"""

import base64
import json
import math
import os
import re
import struct
import sys
import zlib

FORMAT_VERSION = 2
OLDEST_FORMAT_VERSION = 1
MANIFEST_FILE = "manifest.msgpack"
THREAD_FILE_RE = re.compile(r"^thread_[A-Za-z0-9._-]+\.bin\Z")
DECIMAL_RE = re.compile(r"^(0|[1-9][0-9]*)\Z")

FILE_MAGIC = b"PWALKTS\x00"
FILE_HEADER = struct.Struct("<8sHHI16sII24s")  # 64 bytes
LAYOUT_FULL_ATTRS = 0x1

BLOCK_MAGIC = b"PBLK"
BLOCK_HEADER = struct.Struct("<4sIII")  # magic, payloadLength, recordCount, crc32
MAX_BLOCK_PAYLOAD = 1 << 30

FIXED = struct.Struct("<QQIIHBB")  # inode, parentInode, size, mtime, pathLength, type, flags
ATTRS = struct.Struct("<IIIIQQqq")  # uid, gid, mode, nlink, blocks, dev, atime, ctime
U32 = struct.Struct("<I")
U64 = struct.Struct("<Q")
I64 = struct.Struct("<q")

PATH32, SIZE64, MTIME64, HAS_ATTRS, ERROR = 0x01, 0x02, 0x04, 0x08, 0x10
RESERVED_FLAGS = 0xE0

TYPE_NAMES = ["unknown", "file", "dir", "symlink", "fifo", "socket", "char", "block"]
SYSCALL_NAMES = {0: "unknown", 1: "lstat", 2: "scandir", 3: "open"}
STATUSES = ("running", "complete", "interrupted", "failed")


class WalkError(Exception):
    def __init__(self, code, message, file=None, offset=None):
        where = ""
        if file is not None:
            where = " (%s%s)" % (file, "" if offset is None else " at byte %d" % offset)
        super().__init__("%s: %s%s" % (code, message, where))
        self.code = code


# ---------------------------------------------------------------- msgpack


class _Ext:
    def __init__(self, type_, data):
        self.type = type_
        self.data = data


class _Undefined:
    """msgpackr's encoding of JavaScript undefined: fixext1, type 0, data 0."""


UNDEFINED = _Undefined()


def msgpack_decode(buf):
    """Decodes one MessagePack value that must span all of buf."""
    value, pos = _mp(buf, 0)
    if pos != len(buf):
        raise ValueError("%d bytes after the MessagePack value" % (len(buf) - pos))
    return value


def _take(buf, pos, n):
    if pos + n > len(buf):
        raise ValueError("MessagePack value runs past the end at byte %d" % pos)
    return buf[pos:pos + n], pos + n


def _mp(buf, pos):
    if pos >= len(buf):
        raise ValueError("MessagePack value runs past the end at byte %d" % pos)
    b = buf[pos]
    pos += 1
    if b <= 0x7F:
        return b, pos
    if b >= 0xE0:
        return b - 0x100, pos
    if 0x80 <= b <= 0x8F:
        return _map(buf, pos, b & 0x0F)
    if 0x90 <= b <= 0x9F:
        return _array(buf, pos, b & 0x0F)
    if 0xA0 <= b <= 0xBF:
        return _str(buf, pos, b & 0x1F)
    if b == 0xC0:
        return None, pos
    if b == 0xC2:
        return False, pos
    if b == 0xC3:
        return True, pos
    fixed = {
        0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q",
        0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
        0xCA: ">f", 0xCB: ">d",
    }
    if b in fixed:
        fmt = fixed[b]
        raw, pos = _take(buf, pos, struct.calcsize(fmt))
        return struct.unpack(fmt, raw)[0], pos
    lengths = {0xC4: ">B", 0xC5: ">H", 0xC6: ">I", 0xD9: ">B", 0xDA: ">H", 0xDB: ">I",
               0xDC: ">H", 0xDD: ">I", 0xDE: ">H", 0xDF: ">I", 0xC7: ">B", 0xC8: ">H", 0xC9: ">I"}
    if b in lengths:
        fmt = lengths[b]
        raw, pos = _take(buf, pos, struct.calcsize(fmt))
        n = struct.unpack(fmt, raw)[0]
        if b in (0xC4, 0xC5, 0xC6):
            data, pos = _take(buf, pos, n)
            return bytes(data), pos
        if b in (0xD9, 0xDA, 0xDB):
            return _str(buf, pos, n)
        if b in (0xDC, 0xDD):
            return _array(buf, pos, n)
        if b in (0xDE, 0xDF):
            return _map(buf, pos, n)
        return _ext(buf, pos, n)
    if b in (0xD4, 0xD5, 0xD6, 0xD7, 0xD8):
        return _ext(buf, pos, 1 << (b - 0xD4))
    raise ValueError("byte 0x%02x at %d is not a MessagePack type" % (b, pos - 1))


def _str(buf, pos, n):
    raw, pos = _take(buf, pos, n)
    return bytes(raw).decode("utf-8"), pos


def _array(buf, pos, n):
    out = []
    for _ in range(n):
        v, pos = _mp(buf, pos)
        out.append(v)
    return out, pos


def _map(buf, pos, n):
    out = {}
    for _ in range(n):
        k, pos = _mp(buf, pos)
        v, pos = _mp(buf, pos)
        if isinstance(k, (bytes, list, dict)):
            raise ValueError("unsupported map key type %s" % type(k).__name__)
        out[k] = v
    return out, pos


def _ext(buf, pos, n):
    raw, pos = _take(buf, pos, 1)
    type_ = struct.unpack(">b", raw)[0]
    data, pos = _take(buf, pos, n)
    if type_ == 0 and n == 1 and data[0] == 0:
        return UNDEFINED, pos
    return _Ext(type_, bytes(data)), pos


MANIFEST_PADDING_KEY = "reserve"  # padding in a running manifest (section 5): ignored


def manifest_json(manifest):
    """The manifest as JSON, without its padding."""
    return to_json_value({k: v for k, v in manifest.items() if k != MANIFEST_PADDING_KEY})


def to_json_value(v):
    """Manifest value as JSON: bytes as base64, integral floats as integers (JS numbers)."""
    if isinstance(v, dict):
        return {str(k): to_json_value(x) for k, x in v.items() if x is not UNDEFINED}
    if isinstance(v, list):
        return [None if x is UNDEFINED else to_json_value(x) for x in v]
    if isinstance(v, bytes):
        return base64.b64encode(v).decode("ascii")
    if isinstance(v, _Ext):
        return {"$ext": v.type, "data": base64.b64encode(v.data).decode("ascii")}
    if v is UNDEFINED:
        return None
    if isinstance(v, float) and math.isfinite(v) and v == int(v) and abs(v) <= 2**53:
        return int(v)
    return v


# ---------------------------------------------------------------- manifest


def _is_int(v):
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    return isinstance(v, float) and math.isfinite(v) and v == int(v)


def _is_count(v):
    return _is_int(v) and v >= 0


def _is_byte_total(v):
    """totals.bytes: an integer, or (past MessagePack's 2^64 - 1) its decimal digits (section 5)."""
    return _is_count(v) or (isinstance(v, str) and DECIMAL_RE.match(v) is not None)


def _is_number(v):
    return not isinstance(v, bool) and isinstance(v, (int, float))


def _check(obj, schema, where):
    if not isinstance(obj, dict):
        raise ValueError("%s is not a map" % (where or "(top)"))
    for key, test in schema.items():
        path = key if not where else where + "." + key
        if key not in obj and not getattr(test, "optional", False):
            raise ValueError("%s is missing" % path)
        value = obj.get(key, UNDEFINED)
        if isinstance(test, dict):
            _check(value, test, path)
        elif not test(value):
            shown = "undefined" if value is UNDEFINED else repr(value)
            raise ValueError("%s has a wrong type or value: %s" % (path, shown))


def _is_str(v):
    return isinstance(v, str)


def _nullable(test):
    return lambda v: v is None or test(v)


def _array_of(test):
    return lambda v: isinstance(v, list) and all(test(x) for x in v)


def _is_thread_file_name(v):
    return _is_str(v) and THREAD_FILE_RE.match(v) is not None


def _check_ok(v, schema):
    """Whether map v passes schema (_check), as a test of its own."""
    try:
        _check(v, schema, "")
        return True
    except ValueError:
        return False


def _file_summary(v):
    return _check_ok(v, {"name": _is_thread_file_name, "thread": _is_count, "host": _is_str,
                         "records": _is_count, "errors": _is_count, "blocks": _is_count, "bytes": _is_count})


def _resume(v):
    """Section 5.2: one map of `resumes`."""
    set_aside = {"file": _is_thread_file_name, "dirs": _array_of(lambda d: isinstance(d, bytes))}
    return _check_ok(v, {"startTime": _is_number, "endTime": _nullable(_is_number),
                         "setAside": _array_of(lambda x: _check_ok(x, set_aside))})


def _optional(test):
    """A key that may be absent."""
    def check(v):
        return v is UNDEFINED or test(v)
    check.optional = True
    return check


MANIFEST_SCHEMA = {
    "formatVersion": lambda v: _is_int(v) and OLDEST_FORMAT_VERSION <= v <= FORMAT_VERSION,
    "walkId": lambda v: _is_str(v) and re.match(r"^[0-9a-f]{32}\Z", v) is not None,
    "tool": {"name": _is_str, "version": _is_str, "node": _is_str},
    "root": lambda v: isinstance(v, bytes),
    "rootAbsolute": lambda v: isinstance(v, bytes),
    "host": _is_str,
    "user": {"uid": _is_int, "name": _is_str},
    "pid": _is_count,
    "options": {
        "threads": _is_count, "compact": lambda v: isinstance(v, bool),
        "exclude": _array_of(_is_str), "oneFileSystem": lambda v: isinstance(v, bool),
        "snapshots": lambda v: isinstance(v, bool), "maxDepth": _nullable(_is_count),
    },
    "startTime": _is_number,
    "endTime": _nullable(_is_number),
    "status": lambda v: v in STATUSES,
    "message": _nullable(_is_str),
    "files": _array_of(_file_summary),
    "totals": {"entries": _is_count, "dirs": _is_count, "files": _is_count,
               "errors": _is_count, "bytes": _is_byte_total},
    "resumes": _optional(_array_of(_resume)),
}


def read_manifest(walk_dir):
    path = os.path.join(walk_dir, MANIFEST_FILE)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise WalkError("PWALK_IO", "cannot read manifest: %s" % e, path)
    try:
        manifest = msgpack_decode(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise WalkError("PWALK_BAD_MANIFEST", "manifest is not valid MessagePack: %s" % e, path)
    if isinstance(manifest, dict):
        version = manifest.get("formatVersion")
        if _is_number(version) and version > FORMAT_VERSION:
            raise WalkError("PWALK_UNSUPPORTED_VERSION",
                            "manifest has format version %s; this reader knows up to %d" % (version, FORMAT_VERSION),
                            path)
    try:
        _check(manifest, MANIFEST_SCHEMA, "")
    except ValueError as e:
        raise WalkError("PWALK_BAD_MANIFEST", "manifest does not match the schema: %s" % e, path)
    manifest["totals"]["bytes"] = int(manifest["totals"]["bytes"])
    return manifest


# ---------------------------------------------------------------- thread files


def natural_key(name):
    """Natural order (section 1): digit runs compare as numbers, the rest as text."""
    parts = [(0, int(part), "") if part.isdigit() else (1, 0, part)
             for part in re.split(r"(\d+)", name) if part != ""]
    return parts, name


def listed_thread_files(walk_dir):
    """Section 1: the folder's thread files in natural order."""
    try:
        return sorted((n for n in os.listdir(walk_dir) if THREAD_FILE_RE.match(n)), key=natural_key)
    except OSError as e:
        raise WalkError("PWALK_IO", "cannot list the walk folder: %s" % e, walk_dir)


def read_file_header(path):
    """Section 2.1, checks in the order given there (the walk id is checked by open_walk)."""
    try:
        with open(path, "rb") as f:
            head = f.read(FILE_HEADER.size)
    except OSError as e:
        raise WalkError("PWALK_IO", "cannot read thread file: %s" % e, path)
    if len(head) < FILE_HEADER.size:
        raise WalkError("PWALK_BAD_HEADER", "file is %d bytes, shorter than the 64-byte header" % len(head), path, 0)
    magic, version, header_size, layout, walk_id, thread, capacity, _reserved = FILE_HEADER.unpack(head)
    if magic != FILE_MAGIC:
        raise WalkError("PWALK_BAD_HEADER", "wrong magic", path, 0)
    if version > FORMAT_VERSION:
        raise WalkError("PWALK_UNSUPPORTED_VERSION",
                        "thread file has format version %d; this reader knows up to %d" % (version, FORMAT_VERSION),
                        path, 8)
    if version == 0:
        raise WalkError("PWALK_BAD_HEADER", "format version 0 is not valid", path, 8)
    if header_size != FILE_HEADER.size:
        raise WalkError("PWALK_BAD_HEADER", "header size %d, expected 64" % header_size, path, 10)
    if layout & ~LAYOUT_FULL_ATTRS:
        raise WalkError("PWALK_BAD_HEADER", "unknown layout flags 0x%x" % layout, path, 12)
    return {"version": version, "fullAttrs": bool(layout & LAYOUT_FULL_ATTRS),
            "walkId": walk_id.hex(), "thread": thread, "blockCapacity": capacity}


def full_path(root, rel):
    """Section 3.6."""
    if not rel:
        return root
    if root.endswith(b"/"):
        return root + rel
    return root + b"/" + rel


def depth_of(rel):
    return 0 if not rel else 1 + rel.count(b"/")


JOINED_PATH_PER_BYTE = 128
JOINED_PATH_FLOOR = 64 << 20
JOINED_TOO_LONG = "the block's paths join to more than %d bytes per payload byte and %d MiB" % (
    JOINED_PATH_PER_BYTE, JOINED_PATH_FLOOR >> 20)


def is_component(name):
    """Section 7.4: a name is one path component: not empty, "." or "..", no "/"."""
    return name not in (b"", b".", b"..") and b"/" not in name


def is_below_root(rel):
    """Section 7.3: a directory's path is components joined by single slashes."""
    return all(is_component(c) for c in rel.split(b"/"))


def leaves_root(rel):
    """Section 3.6: a version-1 path leaves the root if it starts with "/" or has a ".." component."""
    return rel.startswith(b"/") or b".." in rel.split(b"/")


def _b64(b):
    return base64.b64encode(b).decode("ascii")


class _Short(Exception):
    """A record does not fit in what is left of a truncated payload."""


ZERO_FIXED = bytes(FIXED.size)


def decode_records(payload, count, root, path, payload_offset, partial):
    """Records of one payload (section 3). With partial (a cut block, section 2.3), stop
    quietly at the first record that does not fit whole or whose fixed part is all zeros."""
    out = []
    end = len(payload)
    off = 0
    for n in range(count):
        def corrupt(what):
            return WalkError("PWALK_CORRUPT_RECORD", "record %d: %s" % (n, what), path, payload_offset + off)

        def need(pos, size, what):
            if pos + size > end:
                if partial:
                    raise _Short()
                raise corrupt("%s runs past the block" % what)

        try:
            need(off, FIXED.size, "fixed part")
            if partial and payload[off:off + FIXED.size] == ZERO_FIXED:
                raise _Short()
            inode, parent, size, mtime, path_len, type_code, flags = FIXED.unpack_from(payload, off)
            if flags & RESERVED_FLAGS:
                raise corrupt("unknown flags 0x%02x" % flags)
            if type_code >= len(TYPE_NAMES):
                raise corrupt("unknown entry type %d" % type_code)
            pos = off + FIXED.size
            if flags & PATH32:
                need(pos, 4, "path length extension")
                path_len = U32.unpack_from(payload, pos)[0]
                pos += 4
            elif path_len == 0xFFFF:
                raise corrupt("path length 0xFFFF without PATH32")
            if flags & ERROR:
                if flags & (SIZE64 | MTIME64 | HAS_ATTRS):
                    raise corrupt("error record with flags 0x%02x" % flags)
                need(pos, 2, "error extension")
                syscall = payload[pos]
                code_len = payload[pos + 1]
                pos += 2
                need(pos, code_len, "error code")
                code = bytes(payload[pos:pos + code_len]).decode("latin-1")
                pos += code_len
                need(pos, path_len, "path")
                rel = bytes(payload[pos:pos + path_len])
                if leaves_root(rel):
                    raise corrupt("path %r leaves the root" % rel)
                out.append({"relativePathBase64": _b64(rel), "pathBase64": _b64(full_path(root, rel)),
                            "depth": depth_of(rel), "type": TYPE_NAMES[type_code], "inode": inode,
                            "parentInode": parent,
                            "error": {"syscall": SYSCALL_NAMES.get(syscall, "unknown"), "code": code}})
                off = pos + path_len
                continue
            if flags & SIZE64:
                need(pos, 8, "size extension")
                size = U64.unpack_from(payload, pos)[0]
                pos += 8
            if flags & MTIME64:
                need(pos, 8, "mtime extension")
                mtime = I64.unpack_from(payload, pos)[0]
                pos += 8
            attrs = (None,) * 8
            if flags & HAS_ATTRS:
                need(pos, ATTRS.size, "attribute extension")
                attrs = ATTRS.unpack_from(payload, pos)
                pos += ATTRS.size
            need(pos, path_len, "path")
            rel = bytes(payload[pos:pos + path_len])
            if leaves_root(rel):
                raise corrupt("path %r leaves the root" % rel)
            uid, gid, mode, nlink, blocks, dev, atime, ctime = attrs
            out.append({"relativePathBase64": _b64(rel), "pathBase64": _b64(full_path(root, rel)),
                        "depth": depth_of(rel), "type": TYPE_NAMES[type_code], "inode": inode,
                        "parentInode": parent, "size": size, "mtime": mtime,
                        "blocks": blocks, "mode": mode, "uid": uid, "gid": gid, "nlink": nlink,
                        "dev": dev, "atime": atime, "ctime": ctime})
            off = pos + path_len
        except _Short:
            return out
    if not partial and off != end:
        raise WalkError("PWALK_CORRUPT_RECORD", "block holds %d bytes past its last record" % (end - off),
                        path, payload_offset + off)
    return out


# ---------------------------------------------------------------- version 2 (section 7)

KIND_ENTRY, KIND_ERROR, KIND_END = 1, 2, 3
TAG_MARK, TAG_NEW_DIR, TAG_RESERVED = 0x20, 0x40, 0x80
SAME_UID, SAME_GID, SAME_MODE, SAME_DEV = 0x1, 0x2, 0x4, 0x8


class _Corrupt(Exception):
    """An item is malformed (section 7)."""


def decode_items(payload, count, root, path, payload_offset, partial, full_attrs, set_aside):
    """Records of one version-2 payload (section 7), without those set aside (7.6). With
    partial (a cut block, section 2.3), stop quietly at the first item that does not fit
    whole or whose tag byte is zero."""
    out = []
    end = len(payload)
    pos = 0
    item_at = 0
    records = 0
    directory = None  # (path bytes, inode) of the current directory; None before the block's first header
    prev = {"uid": None, "gid": None, "mode": None, "dev": None}
    # Section 7.3: what the block's paths (every record's, every header's) may join to.
    join_budget = JOINED_PATH_PER_BYTE * len(payload) + JOINED_PATH_FLOOR

    def take(n):
        nonlocal pos
        if pos + n > end:
            raise _Short()
        b = payload[pos:pos + n]
        pos += n
        return bytes(b)

    def varint(limit_bits):
        nonlocal pos
        value = 0
        for i in range(10):
            if pos >= end:
                raise _Short()
            b = payload[pos]
            pos += 1
            value |= (b & 0x7F) << (7 * i)
            if b < 0x80:
                if value >= 1 << limit_bits:
                    raise _Corrupt("varint %d past %d bits" % (value, limit_bits))
                return value
        raise _Corrupt("varint longer than 10 bytes")

    def zigzag():
        v = varint(65)
        return v >> 1 if v % 2 == 0 else -((v + 1) >> 1)

    def i64(v):
        if not -(1 << 63) <= v < 1 << 63:
            raise _Corrupt("time %d past 64 bits" % v)
        return v

    def repeated(key, same_bit, same, bits):
        if same & same_bit:
            if prev[key] is None:
                raise _Corrupt("%s repeated from no previous entry" % key)
            return prev[key]
        prev[key] = varint(bits)
        return prev[key]

    try:
        while pos < end:
            item_at = pos
            tag = payload[pos]
            pos += 1
            if tag == 0 and partial:
                break
            if tag & TAG_RESERVED:
                raise _Corrupt("reserved tag bit set (0x%02x)" % tag)
            kind = (tag >> 3) & 0x3
            type_code = tag & 0x7
            mark = bool(tag & TAG_MARK)
            if kind == 0:
                raise _Corrupt("item kind 0")
            if tag & TAG_NEW_DIR:
                shared = varint(64)
                current = directory[0] if directory is not None else b""
                if shared > len(current):
                    raise _Corrupt("directory shares %d bytes of a %d-byte path" % (shared, len(current)))
                suffix = take(varint(64))
                directory = (current[:shared] + suffix, varint(64))
                if directory[0] and not is_below_root(directory[0]):
                    raise _Corrupt("directory %r is not below the root" % directory[0])
                join_budget -= len(directory[0])
                if join_budget < 0:
                    raise _Corrupt(JOINED_TOO_LONG)
            elif directory is None:
                raise _Corrupt("item before any directory header")
            if kind == KIND_END:
                if type_code != 0 or mark:
                    raise _Corrupt("directory end with a type or mark")
                continue
            name = take(varint(64))
            dir_path, parent = directory
            if not is_component(name) and (name or dir_path):
                raise _Corrupt("name %r is not one path component" % name)
            join_budget -= len(dir_path) + 1 + len(name)
            if join_budget < 0:
                raise _Corrupt(JOINED_TOO_LONG)
            rel = name if not dir_path else dir_path + b"/" + name
            if kind == KIND_ERROR:
                inode = varint(64)
                syscall, code_len = take(2)
                code = take(code_len).decode("latin-1")
                records += 1
                owner = rel if mark else dir_path
                if name and owner in set_aside:
                    continue
                out.append({"relativePathBase64": _b64(rel), "pathBase64": _b64(full_path(root, rel)),
                            "depth": depth_of(rel), "type": TYPE_NAMES[type_code], "inode": inode,
                            "parentInode": parent,
                            "error": {"syscall": SYSCALL_NAMES.get(syscall, "unknown"), "code": code}})
                continue
            inode = varint(64)
            size = varint(64)
            mtime = i64(zigzag())
            uid = gid = mode = nlink = blocks = dev = atime = ctime = None
            if full_attrs:
                same = take(1)[0]
                if same & ~0x0F:
                    raise _Corrupt("unknown same-attribute bits 0x%02x" % same)
                uid = repeated("uid", SAME_UID, same, 32)
                gid = repeated("gid", SAME_GID, same, 32)
                mode = repeated("mode", SAME_MODE, same, 32)
                dev = repeated("dev", SAME_DEV, same, 64)
                nlink = varint(32)
                blocks = varint(64)
                atime = i64(mtime + zigzag())
                ctime = i64(mtime + zigzag())
            records += 1
            if name and dir_path in set_aside:
                continue
            out.append({"relativePathBase64": _b64(rel), "pathBase64": _b64(full_path(root, rel)),
                        "depth": depth_of(rel), "type": TYPE_NAMES[type_code], "inode": inode,
                        "parentInode": parent, "size": size, "mtime": mtime,
                        "blocks": blocks, "mode": mode, "uid": uid, "gid": gid, "nlink": nlink,
                        "dev": dev, "atime": atime, "ctime": ctime})
    except _Short:
        if not partial:
            raise WalkError("PWALK_CORRUPT_RECORD", "record %d: item runs past the block" % records,
                            path, payload_offset + item_at)
        return out
    except _Corrupt as e:
        raise WalkError("PWALK_CORRUPT_RECORD", "record %d: %s" % (records, e), path, payload_offset + item_at)
    if not partial and records != count:
        raise WalkError("PWALK_CORRUPT_RECORD", "block holds %d records, its header says %d" % (records, count),
                        path, payload_offset + pos)
    return out


def read_thread_file(path, root, problems, skip_corrupt, emit, set_aside=frozenset()):
    """Emits the records of one thread file (section 2.3); pushes non-fatal problems; raises fatal ones.
    set_aside: directories (relative path bytes) whose records in this file are left out (section 7.6)."""
    header = read_file_header(path)
    if header["version"] == 1:
        decode = decode_records
    else:
        def decode(payload, count, root_, path_, payload_offset, partial):
            return decode_items(payload, count, root_, path_, payload_offset, partial, header["fullAttrs"], set_aside)
    try:
        f = open(path, "rb")
    except OSError as e:
        raise WalkError("PWALK_IO", "cannot open thread file: %s" % e, path)

    def problem(err):
        if not skip_corrupt:
            raise err
        problems.append(err)

    with f:
        try:
            file_size = os.fstat(f.fileno()).st_size
            offset = FILE_HEADER.size
            while offset < file_size:
                remaining = file_size - offset
                if remaining < BLOCK_HEADER.size:
                    problems.append(WalkError("PWALK_TRUNCATED", "file ends %d bytes into a block header" % remaining,
                                              path, offset))
                    return
                f.seek(offset)
                head = f.read(BLOCK_HEADER.size)
                if len(head) < BLOCK_HEADER.size:
                    # The file shrank since its size was taken: it now ends inside this header.
                    problems.append(WalkError("PWALK_TRUNCATED", "file shrank while being read", path, offset))
                    return
                magic, length, count, crc = BLOCK_HEADER.unpack(head)
                if magic != BLOCK_MAGIC or length > MAX_BLOCK_PAYLOAD:
                    problem(WalkError("PWALK_CORRUPT_BLOCK", "block header is corrupt", path, offset))
                    return
                payload_offset = offset + BLOCK_HEADER.size
                payload = f.read(min(length, file_size - payload_offset))
                if len(payload) < length:
                    try:
                        records = decode(payload, count, root, path, payload_offset, True)
                    except WalkError as err:
                        # A malformed record in an unverified tail: the records of this block are lost,
                        # and the file is still truncated.
                        problem(err)
                        records = []
                    for r in records:
                        emit(r)
                    problems.append(WalkError(
                        "PWALK_TRUNCATED",
                        "file ends %d of %d bytes into a block; %d of its %d records were whole (not CRC-checked)"
                        % (len(payload), length, len(records), count), path, offset))
                    return
                if zlib.crc32(payload) & 0xFFFFFFFF != crc:
                    problem(WalkError("PWALK_CORRUPT_BLOCK",
                                      "block checksum mismatch (%d records lost)" % count, path, offset))
                else:
                    try:
                        records = decode(payload, count, root, path, payload_offset, False)
                    except WalkError as err:
                        problem(err)
                    else:
                        for r in records:
                            emit(r)
                offset = payload_offset + length
        except BrokenPipeError:
            raise
        except OSError as e:
            raise WalkError("PWALK_IO", "read failed: %s" % e, path)


def choose_walk_id(voters):
    """Section 1: the id with the most votes; a tie goes to the earlier voter."""
    best = None
    for walk_id in voters:
        if best is None or voters.count(walk_id) > voters.count(best):
            best = walk_id
    return best


def open_walk(walk_dir, problems, skip_corrupt):
    """Section 1: the manifest (or None) and the thread files of the walk. Without
    skip_corrupt the first problem is raised; with it, each is appended to problems."""
    if not os.path.isdir(walk_dir):
        raise WalkError("PWALK_NOT_A_WALK", "not a folder", walk_dir)
    found = []
    manifest_path = os.path.join(walk_dir, MANIFEST_FILE)
    manifest = None
    if os.path.exists(manifest_path):
        try:
            manifest = read_manifest(walk_dir)
        except WalkError as err:
            if err.code == "PWALK_UNSUPPORTED_VERSION":
                raise
            found.append(err)
    listed = listed_thread_files(walk_dir)
    readable = []
    for name in listed:
        path = os.path.join(walk_dir, name)
        try:
            readable.append((name, read_file_header(path)["walkId"]))
        except WalkError as err:
            found.append(err)
    voters = [walk_id for _, walk_id in readable] + ([manifest["walkId"]] if manifest is not None else [])
    walk_id = choose_walk_id(voters)
    if manifest is not None and manifest["walkId"] != walk_id:
        found.append(WalkError("PWALK_BAD_MANIFEST", "manifest is walk %s's, the thread files walk %s's"
                               % (manifest["walkId"], walk_id), manifest_path))
        manifest = None
    names = []
    for name, file_walk_id in readable:
        if file_walk_id == walk_id:
            names.append(name)
        else:
            found.append(WalkError("PWALK_BAD_HEADER", "thread file belongs to walk %s, not %s" % (file_walk_id, walk_id),
                                   os.path.join(walk_dir, name), 16))
    for summary in manifest["files"] if manifest is not None else []:
        if summary["name"] not in listed:
            found.append(WalkError("PWALK_IO", "thread file %s is missing (lost)" % summary["name"],
                                   os.path.join(walk_dir, summary["name"])))
    if found and not skip_corrupt:
        raise found[0]
    problems.extend(found)
    if manifest is None and not names:
        raise WalkError("PWALK_NOT_A_WALK", "no readable %s and no readable thread_*.bin files" % MANIFEST_FILE, walk_dir)
    return manifest, names


def main(argv):
    args = argv[1:]
    show_manifest = "--manifest" in args
    skip_corrupt = "--skip-corrupt" in args
    rest = [a for a in args if a not in ("--manifest", "--skip-corrupt")]
    if len(rest) != 1 or rest[0].startswith("--"):
        sys.stderr.write("usage: read_walk.py [--manifest] [--skip-corrupt] WALK_DIR\n")
        return 1
    walk_dir = rest[0]
    out = sys.stdout
    problems = []
    try:
        if show_manifest:
            if not os.path.isdir(walk_dir):
                raise WalkError("PWALK_NOT_A_WALK", "not a folder", walk_dir)
            if not os.path.exists(os.path.join(walk_dir, MANIFEST_FILE)):
                raise WalkError("PWALK_NOT_A_WALK", "no %s" % MANIFEST_FILE, walk_dir)
            out.write(json.dumps(manifest_json(read_manifest(walk_dir))) + "\n")
            return 0
        manifest, names = open_walk(walk_dir, problems, skip_corrupt)
        # Without a manifest the root is unknown: paths are relative to '.' (section 3.6).
        root = manifest["root"] if manifest is not None else b"."

        def emit(record):
            out.write(json.dumps(record) + "\n")

        set_aside = {}
        for resume in (manifest or {}).get("resumes") or []:
            for item in resume["setAside"]:
                set_aside.setdefault(item["file"], set()).update(item["dirs"])
        for name in names:
            read_thread_file(os.path.join(walk_dir, name), root, problems, skip_corrupt, emit,
                             frozenset(set_aside.get(name, ())))
    except WalkError as err:
        out.flush()
        for p in problems:
            sys.stderr.write("read_walk: %s\n" % p)
        sys.stderr.write("read_walk: %s\n" % err)
        return 2
    out.flush()
    for p in problems:
        sys.stderr.write("read_walk: %s\n" % p)
    complete = manifest is not None and manifest["status"] == "complete"
    truncated = [p for p in problems if p.code == "PWALK_TRUNCATED"]
    if complete and truncated and not skip_corrupt:
        # Section 2.3: the walk says it is whole, so a cut file is damage.
        sys.stderr.write("read_walk: %s\n" % WalkError(
            "PWALK_TRUNCATED", "the manifest says complete, so a truncated thread file is damage"))
        return 2
    return 0

if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BrokenPipeError:
        sys.exit(0)

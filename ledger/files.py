"""Files the ledger reads and writes at its edges, handled so that none can hurt it.

Reads accept regular files only (never a FIFO that would hang, a device such
as /dev/zero, or a directory), up to a stated size, as UTF-8 with the line of
any bad byte named. Writes go through a temporary file in the same directory
and a rename, never onto the ledger's own database, and never over an
existing file unless asked.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from ledger.errors import InvalidInput

# Larger than the whole 2014 ledger's export a thousand times over; a file
# bigger than this is refused before it is read.
MAX_IMPORT_BYTES = 256 * 1024 * 1024
MAX_SMALL_BYTES = 16 * 1024 * 1024  # checkpoints, proofs, keys


def read_text(path: Path, *, limit: int | None = None, what: str = "file") -> str:
    """The text of a regular file of at most `limit` bytes (MAX_IMPORT_BYTES), as UTF-8."""
    data = read_bytes(path, limit=MAX_IMPORT_BYTES if limit is None else limit, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidInput(
            f"{path.name}:{line}: line {line} is not UTF-8; save the file as UTF-8 "
            f"(byte {data[exc.start]:#04x})"
        ) from exc


def read_bytes(path: Path, *, limit: int = MAX_SMALL_BYTES, what: str = "file") -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InvalidInput(f"cannot read the {what} {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise InvalidInput(f"cannot read the {what} {path}: {kind}")
        if info.st_size > limit:
            raise InvalidInput(
                f"the {what} {path} is {info.st_size} bytes; the limit is {limit} bytes"
            )
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"the {what} {path} is larger than the limit of {limit} bytes")
    return data


def write_atomically_check(
    path: Path, *, force: bool = False, protect: tuple[Path, ...] = ()
) -> None:
    """What `write_atomically` refuses, checked before any work is done."""
    for kept in protect:
        if same_file(path, kept) or (path.is_symlink() and same_file(path.resolve(), kept)):
            raise InvalidInput(f"{path} is the ledger itself: refusing to overwrite it")
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory")
    if (path.exists() or path.is_symlink()) and not force:
        raise InvalidInput(f"{path} already exists: use --force to replace it")


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (through links, or spelt differently)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_atomically(
    path: Path,
    data: bytes,
    *,
    force: bool = False,
    protect: tuple[Path, ...] = (),
    mode: int | None = None,
) -> None:
    """Write `data` to `path` through a temporary file and a rename.

    Refuses any path that is (or links to) one of `protect`, and an existing
    file unless `force`; a link is replaced, never followed.
    """
    write_atomically_check(path, force=force, protect=protect)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes the file private; give it the mode a plain open would.
            os.fchmod(handle.fileno(), _default_mode() if mode is None else mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _default_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask

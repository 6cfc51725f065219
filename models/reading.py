"""Reading a scenario file's bytes from disk: a regular file only, its size known before a byte is read.

A nightly folder holds whatever was put there: a named pipe (reading one waits
for a writer forever), a device, a symbolic link that loops or points at
nothing, a 2 GB export saved by mistake. Each is a located problem here, so
`laa validate` says what the file is and `laa batch` records it as an
`invalid` case and carries on, and no more than `MAX_FILE_BYTES` is ever read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from laa.models.errors import Problem, ScenarioError

MAX_FILE_BYTES = 32 * 1024 * 1024


def read_scenario_file(path: str | Path, name: str | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, or `ScenarioError` saying what the path is instead of a readable scenario file.

    The path is opened without blocking (a pipe swapped in after the check
    cannot make the read wait) and checked again through the open descriptor,
    so what is read is the regular file that was checked.
    """
    path = Path(path)
    name = name or path.name or str(path)
    try:
        refuse_irregular(os.stat(path).st_mode, name)
    except OSError as exc:
        raise ScenarioError([Problem(name, None, None, None, unreadable(path, exc))]) from None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise ScenarioError([Problem(name, None, None, None, unreadable(path, exc))]) from None
    try:
        status = os.fstat(fd)
        refuse_irregular(status.st_mode, name)
        refuse_oversized(status.st_size, name, limit)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        refuse_oversized(size, name, limit)  # it grew while being read
        return b"".join(chunks)
    except OSError as exc:
        raise ScenarioError([Problem(name, None, None, None, unreadable(path, exc))]) from None
    finally:
        os.close(fd)


def refuse_irregular(mode: int, name: str) -> None:
    """Anything but a regular file, refused with what it is."""
    what = irregular_kind(mode)
    if what is not None:
        raise ScenarioError([Problem(name, None, None, None, what)])


def irregular_kind(mode: int) -> str | None:
    """What a path that is not a regular file is, as a problem's message; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a scenario file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file; only regular files are read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file; only regular files are read"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file; only regular files are read"
    return "is not a regular file; only regular files are read"


def unreadable(path: Path, exc: OSError) -> str:
    """Why the path cannot be opened, as a finance lead would fix it."""
    if exc.errno == errno.ELOOP:
        return "is a symbolic link loop (its links lead back to themselves); point it at a file"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"is a symbolic link to {os.readlink(path)!r}, which does not exist"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return f"no such file: {path}"
    if exc.errno == errno.EACCES:
        return "cannot be read: permission denied"
    return f"cannot be read: {exc.strerror or exc}"


def refuse_oversized(size: int, name: str, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse a file over `limit` bytes before reading it, so a wrong or hostile file cannot use up memory."""
    if size > limit:
        raise ScenarioError(
            [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    f"file is {size:,} bytes; a scenario file is expected to be under {limit:,} bytes",
                )
            ]
        )

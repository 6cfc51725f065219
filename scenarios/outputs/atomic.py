"""Writing results so that no reader ever sees half a file, and a bad destination is named before writing.

Everything goes to a temporary file in the destination's folder and is
renamed over the destination only when complete (a rename within one
filesystem is atomic), so a killed process leaves the old file or the new
one, never a torn one.

Where the result goes is checked first, and refused with what to do
(`InputError`, exit 2): a folder that does not exist is not created unless
the caller asks (a typo in `-o /reprots/x.json` must not grow a folder
tree), a "folder" that is a file, a destination that is a folder, a pipe or
a device. A destination that is a symbolic link keeps its link: the file the
link points to is replaced, as a shell's `>` would write through it. A write
that fails on the way (a full disk) is an `OutputError` naming the path; the
old file is left as it was.

A file that is replaced keeps its permissions: a budget kept private (0600)
stays private, where the rename would otherwise land the umask's 0644. A
file made read-only (no write permission for its owner, or none for this
process) is refused, not replaced: the rename needs only the folder to be
writable, so it would quietly overwrite a file its owner locked.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from laa.models.errors import InputError, OutputError


def _read_umask() -> int:
    """The process's umask; read once, at import, since setting it to read it is process-wide."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _read_umask()


def write_atomic(
    path: str | Path, data: str | bytes, make_folders: bool = False, new_mode: int | None = None
) -> Path:
    """Write `data` to `path` whole or not at all; the path written (a link's target) is returned.

    `make_folders`: create missing folders on the way (a batch's own output
    tree); without it a missing folder is refused. `new_mode`: the permissions
    a new file gets (by default those any new file gets here); a file replaced
    keeps its own.
    """
    given = Path(path)
    target = destination(given, make_folders)
    mode = _permissions(target)
    if mode is None:
        mode = 0o666 & ~UMASK if new_mode is None else new_mode
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _failed(given, target, exc) from None
    try:
        os.fchmod(fd, mode)  # mkstemp makes the file private
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _failed(given, target, exc) from None
        raise
    return target


def destination(path: Path, make_folders: bool = False) -> Path:
    """The file to replace for `path`: the path itself, or the file its symbolic link points to."""
    try:
        target = Path(os.path.realpath(path, strict=False)) if path.is_symlink() else path
    except OSError as exc:  # a link loop on the way
        raise InputError(f"{path}: cannot be written: {exc.strerror or exc}") from None
    if target.is_symlink():  # realpath stopped at a loop
        raise InputError(f"{path}: is a symbolic link loop; nothing was written")
    folder = target.parent
    if not folder.exists():
        blocker = next((p for p in [folder, *folder.parents] if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise InputError(f"{path}: {blocker} is a file, not a folder; nothing was written")
        if not make_folders:
            raise InputError(
                f"{path}: the folder {folder} does not exist; create it first (nothing was written)"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{path}: the folder {folder} cannot be made: {exc.strerror or exc}") from None
    elif not folder.is_dir():
        raise InputError(f"{path}: {folder} is a file, not a folder; nothing was written")
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise InputError(f"{path}: cannot be written: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a folder; give a file name inside it")
    if not stat.S_ISREG(mode):
        raise InputError(f"{path}: is not a regular file (a pipe or a device); nothing was written")
    if not mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise InputError(
            f"{path}: is read-only (mode {stat.S_IMODE(mode):04o}); nothing was written: make it writable "
            "(chmod u+w) to replace it, or write to another file"
        )
    return target


def _permissions(target: Path) -> int | None:
    """The permissions of the file about to be replaced (set-id bits left off); None for a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode) & 0o777
    except FileNotFoundError:
        return None


def _failed(given: Path, target: Path, exc: OSError) -> OutputError:
    where = str(given) if given == target else f"{given} (the file its link points to, {target})"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = f"the disk holding {target.parent} is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = f"{target.parent} may not be written to ({exc.strerror})"
    else:
        reason = exc.strerror or str(exc)
    return OutputError(f"{where}: could not be written: {reason}; nothing was written, any old file is kept")

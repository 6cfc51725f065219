"""A batch's output folder: the one ledger that owns it, and a name of its own for every document in it.

One owner per path. A run folder belongs to one ledger, recorded by a
mark file in it (`.laa-ledger`, naming the ledger's real path) written
before any document. A batch of another ledger is refused the folder,
and so is a folder holding files no batch of this ledger wrote (the
scenarios themselves, say), so one ledger never overwrites another's
documents, and a ledger row's sha256 is never made stale by a stranger.
The default folder is named by its ledger (`laa-runs/<ledger file>/run-N`),
so two ledgers side by side get folders of their own.

Inside the folder every name is distinct and stays inside it. A scenario
file's documents are named by its stem and a variant's by its id, as
given when that is a plain name (letters, digits, `.`, `_`, `-`; not
hidden; not `summary`, which the run's own summary files use; not
ending in `.json`, which a document's name adds) that nothing else in
the run asks for, ignoring case (macOS and Windows do). Any other is
made plain and given a hash of what it names (the file's path, the
variant's id), lengthened while another name has it. So `..`, `a b` and
`a_b-7dbde935`, `summary` and `northbridge@pct-half` (`@` joins a file
and its variant) each get a name no other document has.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from laa.models.errors import InputError

MARK = ".laa-ledger"
RUNS_FOLDER = "laa-runs"
SUMMARY_NAMES = frozenset({"summary", "summary.csv"})  # summary.json ends in .json: never plain
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_KEPT_CHARACTERS = 40  # of a name made plain, before its hash
_HASH_WIDTHS = (8, 16, 40)


def default_folder(ledger: Path, run_id: int) -> Path:
    """`laa-runs/<ledger file>/run-N` beside the ledger's real file: its runs' own folder by default."""
    real = Path(os.path.realpath(ledger))
    return real.parent / RUNS_FOLDER / real.name / f"run-{run_id}"


def claim(folder: Path, ledger: Path, used: Iterable[Path]) -> None:
    """Make `folder` this ledger's, or refuse it with what to do before anything is written in it.

    `used`: the folders this ledger's earlier runs wrote to, which it may
    write to again (a reused `--out`, an older engine's run resumed)
    though they carry no mark yet.
    """
    owner = str(Path(os.path.realpath(ledger)))
    mark = folder / MARK
    found = _owner(mark)
    if found is None:
        if folder.resolve() not in {Path(u).resolve() for u in used} and _holds_files(folder):
            raise InputError(
                f"{folder} already holds files that no batch of {ledger} wrote; give --out an empty "
                "or new folder (nothing was written)"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{folder}: the output folder cannot be made: {exc.strerror or exc}") from None
        found = _mark(mark, owner)
    if found != owner:
        raise InputError(
            f"{folder} holds the results of another ledger, {found}; give this batch (ledger {ledger}) "
            "its own --out (nothing was written)"
        )


def _owner(mark: Path) -> str | None:
    try:
        text = mark.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{mark}: the folder's owner cannot be read: {exc}") from None
    try:
        return str(json.loads(text)["ledger"])
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{mark}: not a batch folder's mark (expected {{\"ledger\": path}})") from None


def _holds_files(folder: Path) -> bool:
    """Whether the folder holds anything visible (hidden files such as .gitkeep do not count)."""
    try:
        return any(not entry.name.startswith(".") for entry in folder.iterdir())
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise InputError(f"{folder}: the output folder cannot be read: {exc.strerror or exc}") from None


def _mark(mark: Path, owner: str) -> str:
    """Write the mark whole and only if there is none (two batches may race for a new folder): the
    owner the folder ends up with."""
    temporary = mark.with_name(f"{MARK}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps({"ledger": owner}) + "\n", encoding="utf-8")
        try:
            os.link(temporary, mark)  # fails if another batch marked it first
        except FileExistsError:
            return _owner(mark) or owner
        finally:
            temporary.unlink()
    except OSError as exc:
        reason = exc.strerror or exc
        raise InputError(f"{mark.parent}: the output folder cannot be written: {reason}") from None
    return owner


def holds_results(path: Path) -> bool:
    """Whether `path` is inside some ledger's run folder, so a folder or glob never reads documents back
    as scenarios."""
    return any((parent / MARK).exists() for parent in path.parents)


def unique_names(wanted: dict[str, str], reserved: frozenset[str] = frozenset()) -> dict[str, str]:
    """A distinct name, safe as a file name, for each item (item -> the name it asks for).

    Distinct ignoring case; a name in `reserved` (compared ignoring case)
    is never given. See the module's docstring for when a name is kept.
    """
    asked = Counter(name.casefold() for name in wanted.values())
    names = {
        item: name
        for item, name in wanted.items()
        if _plain(name) and asked[name.casefold()] == 1 and name.casefold() not in reserved
    }
    taken = {name.casefold() for name in names.values()} | reserved
    for item in sorted(set(wanted) - set(names)):
        digest = hashlib.sha1(item.encode("utf-8", "surrogatepass")).hexdigest()
        kept = _UNSAFE.sub("_", wanted[item]).lstrip(".-")[:_KEPT_CHARACTERS]
        for width in _HASH_WIDTHS:
            name = f"{kept}-{digest[:width]}" if kept else digest[:width]
            if name.casefold() not in taken:
                break
        taken.add(name.casefold())
        names[item] = name
    return names


def _plain(name: str) -> bool:
    return _PLAIN.fullmatch(name) is not None and not name.casefold().endswith(".json")


def document_keys(paths: list[str]) -> dict[str, str]:
    """The name of each scenario file's documents (`<name>.json`, `<name>/`): its stem when that is
    plain and no other file's, else made so with a hash of its path."""
    return unique_names({p: Path(p).stem for p in paths}, SUMMARY_NAMES)


def variant_names(variants: Iterable[str]) -> dict[str, str]:
    """The name of each variant's documents (`<file>@<name>.json`, `<file>/<name>/`) among a file's
    variants: its id when that is plain and no other variant's, else made so with a hash of the id."""
    return unique_names({v: v for v in variants})

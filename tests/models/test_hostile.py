"""Hostile files: a clear error in bounded time and memory; `laa run` exits 2 with no traceback."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from laa.models.errors import ScenarioError
from laa.models.load import MAX_FILE_BYTES, load_scenario

from tests.paths import CHECKS

LAA = Path(sys.executable).parent / "laa"

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def nan_amount(tmp_path):
    text = (CHECKS / "check1.yaml").read_text().replace("2026: 232000.0", "2026: .nan", 1)
    return write(tmp_path, "nan.yaml", text)


def inf_amount(tmp_path):
    text = (CHECKS / "check1.yaml").read_text().replace("2026: 232000.0", "2026: .inf", 1)
    return write(tmp_path, "inf.yaml", text)


def nan_json(tmp_path):
    return write(tmp_path, "nan.json", '{"name": "x", "years": [2026], "effect_uncertainty": NaN}')


def alias_bomb(tmp_path):
    return write(tmp_path, "bomb.yaml", BILLION_LAUGHS)


def huge(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"name: big\n")
        handle.seek(100 * 1024 * 1024)
        handle.write(b"\n")
    return path


def python_tag(tmp_path):
    return write(
        tmp_path, "tag.yaml", 'name: !!python/object/apply:os.system ["echo pwned"]\nyears: [2026]\n'
    )


def missing(tmp_path):
    return tmp_path / "no-such-file.yaml"


def directory(tmp_path):
    (tmp_path / "adir").mkdir()
    return tmp_path / "adir"


def binary(tmp_path):
    return write(tmp_path, "blob.yaml", bytes(range(256)) * 64)


def empty(tmp_path):
    return write(tmp_path, "empty.yaml", "")


def a_list(tmp_path):
    return write(tmp_path, "list.yaml", "- 1\n- 2\n")


def latin1(tmp_path):
    return write(tmp_path, "latin.yaml", "name: caf\xe9\n".encode("latin-1"))


CASES = {
    "nan": (nan_amount, "finite"),
    "inf": (inf_amount, "finite"),
    "nan-json": (nan_json, "NaN"),
    "alias-bomb": (alias_bomb, "aliases expand"),
    "100MB": (huge, "bytes"),
    "python-tag": (python_tag, "not allowed"),
    "missing": (missing, "no such file"),
    "directory": (directory, "directory"),
    "binary": (binary, "binary"),
    "empty": (empty, "empty"),
    "list": (a_list, "mapping of sections"),
    "latin-1": (latin1, "UTF-8"),
}


@pytest.mark.parametrize("case", CASES)
def test_refused_with_a_clear_message(tmp_path, case):
    make, words = CASES[case]
    path = make(tmp_path)
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert time.perf_counter() - started < 10  # bounded: refused before any heavy work
    assert words in str(caught.value)
    assert str(caught.value.problems[0]).startswith(path.name)


@pytest.mark.parametrize(
    "case", ["alias-bomb", "100MB", "python-tag", "binary", "directory", "missing", "nan"]
)
def test_laa_run_exits_2_without_a_traceback(tmp_path, case):
    make, words = CASES[case]
    path = make(tmp_path)
    done = subprocess.run([str(LAA), "run", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert words in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "pwned").exists()


def test_the_size_cap_is_below_a_100mb_file():
    assert MAX_FILE_BYTES < 100 * 1024 * 1024

"""Type-check the installed package `laa` as mypy sees it.

mypy does not run setuptools' import hooks, so it cannot follow the package-dir
mapping (`laa.pooling` lives in `pooling/`). This lays the same tree out with
links in a temporary folder and checks `-p laa` there; run it as
`python -m tests.typecheck` for the full report.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tests.paths import ROOT

PACKAGES = ("pooling", "models", "scenarios", "cli")


def run_mypy(where: Path) -> subprocess.CompletedProcess[str]:
    tree = where / "laa"
    tree.mkdir(parents=True, exist_ok=True)
    for name in PACKAGES:
        (tree / name).symlink_to(ROOT / name, target_is_directory=True)
    (tree / "__init__.py").symlink_to(ROOT / "laa" / "__init__.py")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "-p", "laa"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=900,
    )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        done = run_mypy(Path(tmp))
        print(done.stdout + done.stderr, end="")
        sys.exit(done.returncode)

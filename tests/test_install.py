"""The installed distribution: one top-level name, `laa`, that no other package can replace.

The repository keeps `pooling/`, `models/`, `scenarios/` and `cli/` at its top;
installed, they live beneath `laa`. An analyst's environment that already
holds packages called `models` and `cli` (common in notebooks and web
applications) must keep both working beside the engine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import tomllib
from pathlib import Path

import pytest

from tests.paths import EXAMPLE, ROOT


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with foreign `models` and `cli` packages, then the project installed.

    The engine's dependencies come from this test run's environment through a plain path
    line (no import hooks of that environment, so its editable install of `laa` is not seen);
    the project itself is built as a wheel and installed as a user would, without `-e`.
    """
    where = tmp_path_factory.mktemp("fresh")
    venv = where / "venv"
    assert _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], where).returncode == 0
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(_run([str(python), "-c", purelib], where).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    for name, says in (("models", "the analyst's own models"), ("cli", "the analyst's own cli")):
        (site / name).mkdir()
        (site / name / "__init__.py").write_text(f"WHO = {says!r}\n")
    wheels = where / "wheels"
    source = where / "source"  # a copy, so the build's own folders never land in the checkout
    skip = shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, source, ignore=skip)
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)], where
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("laa_pooling-*.whl")
    installed = _run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)], where
    )
    assert installed.returncode == 0, installed.stderr
    return python


def test_the_wheel_installs_one_top_level_name(fresh_env: Path, tmp_path: Path) -> None:
    where = "import laa, os; print(os.path.dirname(laa.__path__[0]))"
    site = Path(_run([str(fresh_env), "-c", where], tmp_path).stdout.strip())
    assert (site / "laa" / "pooling" / "plans" / "optimise.py").is_file()
    assert (site / "laa" / "scenarios" / "analysis" / "arrangements.py").is_file()
    assert not (site / "pooling").exists() and not (site / "scenarios").exists()
    assert (site / "models" / "__init__.py").read_text() == "WHO = \"the analyst's own models\"\n"


def test_every_package_folder_is_installed() -> None:
    """A sub-package missing from pyproject's list would work in the checkout and vanish when installed."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"laa"} | {
        "laa." + ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("pooling", "models", "scenarios", "cli")
        for init in (ROOT / top).rglob("__init__.py")
    }
    folders = {
        "laa." + ".".join(d.relative_to(ROOT).parts)
        for top in ("pooling", "models", "scenarios", "cli")
        for d in [ROOT / top, *(ROOT / top).rglob("*")]
        if d.is_dir() and any(d.glob("*.py"))
    }
    assert folders <= found, f"folders of modules without __init__.py: {sorted(folders - found)}"
    assert listed == found


def test_foreign_models_and_cli_packages_keep_working_beside_laa(fresh_env: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import models, cli, laa
        scenario = laa.load({str(EXAMPLE)!r})
        plan = laa.plan(scenario, "pooled")
        print(models.WHO, "|", cli.WHO, "|", round(plan.score, 6), "|", list(plan.allocation.columns))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = _run([str(fresh_env), "-c", script], tmp_path, env)
    assert done.returncode == 0, done.stderr
    who_models, who_cli, score, columns = done.stdout.strip().split(" | ")
    assert (who_models, who_cli) == ("the analyst's own models", "the analyst's own cli")
    assert float(score) == pytest.approx(18.700336, abs=1e-6)
    assert columns == "['source', 'kind', 'funder', 'outcome', 'block', 'year', 'amount']"

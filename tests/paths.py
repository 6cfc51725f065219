"""Where the repository's and the shared folder's files are: CI clones the repo with shared/ beside it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CHECKS = SHARED / "data" / "checks"
EXAMPLE = ROOT / "examples" / "northbridge.yaml"
EXAMPLES = ROOT / "examples"

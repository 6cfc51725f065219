"""A file loaded in a child process under a limit of CPU seconds and of memory, as a test's measure.

A test says "refused within 10 s of CPU and 500 MB" without timing
anything: the kernel stops a child that overruns (SIGXCPU for the CPU, a
MemoryError for the address space), so the answer does not depend on how
busy the machine is. The limits are set after the engine and its readers are
imported, so they bound what the file costs, not the interpreter.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = """
import math, resource, sys
import odf.opendocument, openpyxl, pandas  # the readers, imported before the limits
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario
from laa.models.workbook import ods, reader

seconds, megabytes = float(sys.argv[2]), int(sys.argv[3])
used = resource.getrusage(resource.RUSAGE_SELF)
cpu = math.ceil(used.ru_utime + used.ru_stime + seconds)
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
status = open("/proc/self/status").read()
vm_kb = int(status.split("VmSize:")[1].split()[0])
limit = vm_kb * 1024 + megabytes * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    load_scenario(sys.argv[1])
    print("loaded")
except ScenarioError as exc:
    for problem in exc.problems:
        print(problem)
"""


def load_limited(path: Path, seconds: float = 10, megabytes: int = 500) -> subprocess.CompletedProcess[str]:
    """Load `path` in a child allowed `seconds` of CPU and `megabytes` of memory beyond its own start.

    The child prints "loaded" or each problem, one a line, and exits 0; a child
    stopped for its limits exits otherwise (-24 for the CPU; 1 and a
    MemoryError for the memory).
    """
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(seconds), str(megabytes)],
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a child that hangs without using CPU, not a measure
    )

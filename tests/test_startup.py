"""The command starts quickly: asking for help or for the programs imports none of the data libraries
(the speed itself is measured by the benchmark, not asserted here)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "numpy", "pandera", "python_calamine", "openpyxl", "xlsxwriter")


def modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return set(completed.stdout.split())


def test_help_imports_no_data_library():
    loaded = modules_after("from coaching_batch import cli\ntry:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_listing_the_programs_imports_no_data_library():
    loaded = modules_after("from coaching_batch import cli\ntry:\n    cli.main(['programs'])\nexcept SystemExit:\n    pass")
    assert "coaching_batch.policy" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))

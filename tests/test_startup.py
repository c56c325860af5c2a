"""The command starts quickly: asking for help or for the programs imports none of the data libraries,
and a run imports validation and the rules while its workers read (the speed itself is measured by
the benchmark, not asserted here)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coaching_batch import pipeline, read

HEAVY = ("pandas", "numpy", "pandera", "python_calamine", "openpyxl", "xlsxwriter")
SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


def modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    return set(_printed_by(probe).split())


def _printed_by(probe: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True,
                          env=env).stdout


def test_help_imports_no_data_library():
    loaded = modules_after("from coaching_batch import cli\ntry:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


# What only a command's own work needs: the policies and their TOML (about 40 ms), the templates and the
# atomic writes, the email package for the notices. `--help` loads none of them.
COMMANDS_OWN = ("coaching_batch.policy", "tomllib", "coaching_batch.templates", "coaching_batch.atomic",
                "coaching_batch.notices.config", "email.utils")


def test_help_imports_only_the_command_line():
    for argv in (["--help"], ["run", "--help"], ["templates", "--help"], ["notices", "send", "--help"]):
        loaded = modules_after(f"from coaching_batch import cli\ntry:\n    cli.main({argv!r})\nexcept SystemExit:\n    pass")
        assert not loaded & set(COMMANDS_OWN), (argv, sorted(loaded & set(COMMANDS_OWN)))


def test_listing_the_programs_imports_no_data_library():
    loaded = modules_after("from coaching_batch import cli\ntry:\n    cli.main(['programs'])\nexcept SystemExit:\n    pass")
    assert "coaching_batch.policy" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_a_run_loads_pandera_and_the_rules_while_its_workers_read(monkeypatch, tmp_path):
    """Validation (pandera) and the rules are not imported with the run's first modules but once
    the reading workers have their files, while they read."""
    later = {"pandera", "coaching_batch.validate", "coaching_batch.rules.evaluate"}
    loaded = modules_after("import coaching_batch.pipeline")
    assert "pandas" in loaded and not loaded & later

    steps = []
    read_all = read.read_all

    def reading(files, *, on_done=None, meanwhile=None):
        def loading():
            steps.append("the workers have their files")
            meanwhile()
            steps.append(sorted(later & set(sys.modules)))

        reads = read_all(files, on_done=on_done, meanwhile=loading)
        steps.append("read")
        return reads

    monkeypatch.setattr(pipeline, "read_all", reading)
    pipeline.run_batch(pipeline.RunOptions(inbox=SAMPLES, as_of=dt.date(2026, 11, 20), out=tmp_path / "out", dry_run=True))
    assert steps == ["the workers have their files", sorted(later), "read"]


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts the process's threads in /proc")
def test_the_command_keeps_numpy_from_starting_threads_of_its_own():
    """numpy's BLAS library starts a thread per core as it loads, unless told not to: the command,
    which multiplies no matrices, tells it so before anything loads numpy."""
    probe = ("import os\nfrom coaching_batch import cli\ntry:\n    cli.main(['programs'])\nexcept SystemExit:\n    pass\n"
             "import numpy\nprint(len(os.listdir('/proc/self/task')))")
    env = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    assert _printed_by(probe, env).split()[-1] == "1"

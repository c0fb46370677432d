"""The one loader: a starter-shaped file imports the same way in pytest and in a fresh process.

Regression for lab-06's fresh-process cache test, which once loaded the graded file with its
own copy of the loader that skipped sys.modules: a correct student file (the starter's
`from __future__ import annotations` + `@dataclass` header) crashed inside dataclasses.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mini_vllm.grading.loader import GradedFileError, lab_api, load_lab_module, missing_api

ROOT = Path(__file__).resolve().parents[1]
LABS = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs"
LAB_06 = LABS / "lab-06-piecewise-compile"
STARTER_SHAPED = '''
from __future__ import annotations
from dataclasses import dataclass

@dataclass
class SplitItem:
    submod_name: str
    graph_id: int
'''


def test_a_starter_shaped_file_loads_in_a_fresh_process(tmp_path):
    graded = tmp_path / "student.py"
    graded.write_text(STARTER_SHAPED)
    code = ("import sys; from pathlib import Path; from mini_vllm.grading.loader import load_lab_module; "
            "m = load_lab_module(Path(sys.argv[1]), Path(sys.argv[2])); print(m.SplitItem('a', 1))")
    proc = subprocess.run([sys.executable, "-c", code, str(LAB_06), str(graded)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "SplitItem(submod_name='a', graph_id=1)" in proc.stdout


@pytest.mark.parametrize("stop", ["import sys; sys.exit(0)", "import pytest; pytest.exit('bye', returncode=0)",
                                  "raise KeyboardInterrupt"])
def test_a_file_that_stops_the_process_on_import_is_a_clear_error(tmp_path, stop):
    graded = tmp_path / "stops.py"
    graded.write_text(stop + "\n")
    with pytest.raises(GradedFileError, match="stops the process while being imported"):
        load_lab_module(LAB_06, graded)
    assert not any(getattr(m, "__file__", None) == str(graded) for m in list(sys.modules.values()))


def test_a_file_for_another_lab_lacks_this_labs_names(lab_loader):
    lab_01 = lab_loader(LABS / "lab-01-graph-replay-simulator", "solution")
    assert missing_api(LAB_06, lab_01) == list(lab_api(LAB_06))
    assert missing_api(LABS / "lab-01-graph-replay-simulator", lab_01) == []


@pytest.mark.torch
def test_a_correct_starter_based_file_passes_the_fresh_process_cache_test():
    graded = LAB_06 / "independent" / "from_the_readme.py"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(LAB_06), "-q", "-k", "test_cache_hits_in_a_fresh_process"],
        cwd=ROOT, env={**__import__("os").environ, "LAB_IMPL": str(graded)},
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout[-3000:]


def test_every_environment_variable_the_harness_reads_is_documented():
    harness = [*(ROOT / "mini_vllm" / "grading").glob("*.py"), ROOT / "conftest.py", ROOT / "tools" / "instructor_check.py"]
    read = set()
    for path in harness:
        read |= set(re.findall(r"""environ(?:\.get|\.pop)?\(?\[?["'](LAB_\w+)["']""", path.read_text()))
        read |= set(re.findall(r"""["'](LAB_(?:GRADE|REQUIRE)_\w+)["']""", path.read_text()))
    guide = (ROOT / "INSTRUCTORS.md").read_text()
    assert {"LAB_IMPL", "LAB_RESULTS_JSON", "LAB_GRADE_KEY_FD"} <= read
    assert not [name for name in sorted(read) if f"`{name}`" not in guide], "undocumented in INSTRUCTORS.md"

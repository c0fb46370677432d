"""Judge parity: every chaff of a judged lab fails exactly the same tests judged as in-process.

The instructor check (`--judge`) proves each chaff is caught by the tests it names; this proves
more, that moving the tests out of the graded process changed no outcome at all: each chaff of
every lab whose grading.toml says verdict = "judge" runs twice (LAB_JUDGE=0, then 1) and every
test id's outcome is compared. Prints the chaffs that differ, then a one-line count.
Usage: python tools/judge_parity.py [lab-dir ...]   (default: every judged lab)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mini_vllm.grading import labconfig

ROOT = Path(__file__).resolve().parents[1]
LABS = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs"
RUN_TIMEOUT_S = 300
# Differences that are torch's, not the grading's: (chaff, test) -> why. Printed, not counted.
EXPLAINED = {
    ("lab-06-piecewise-compile/chaffs/compiles_attention_too.py", "test_compiled_decoder_matches_eager[aot_eager]"):
        "in-process, aot_eager compiling the attention piece inside Dynamo's own compile crashes in torch's "
        "guard code (IndexError in produce_guards); judged, the backend's compile runs in the worker, outside "
        "Dynamo's, and matches eager. Both modes catch the chaff with the tests it names",
}


def outcomes(lab: Path, graded: Path, judge: bool) -> dict[str, str]:
    """{test id: outcome} of one pytest run of the lab on `graded`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        env = {**os.environ, "LAB_IMPL": str(graded), "LAB_RESULTS_JSON": str(out), "LAB_JUDGE": "1" if judge else "0"}
        subprocess.run([sys.executable, "-m", "pytest", str(lab), "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
                       cwd=ROOT, env=env, capture_output=True, timeout=RUN_TIMEOUT_S)
        return {nodeid: result["outcome"] for nodeid, result in json.loads(out.read_text()).items()}


def differences(job: tuple[Path, Path]) -> tuple[str, list[str]]:
    lab, chaff = job
    plain, judged = outcomes(lab, chaff, judge=False), outcomes(lab, chaff, judge=True)
    return f"{lab.name}/chaffs/{chaff.name}", sorted(n for n in plain.keys() | judged.keys()
                                                     if plain.get(n) != judged.get(n))


def main(argv: list[str]) -> int:
    labs = [Path(a).resolve() for a in argv] or sorted(p.parent for p in LABS.glob("lab-*/test_lab.py"))
    labs = [lab for lab in labs if (c := labconfig.read(lab)) is None or c.verdict == "judge"]
    jobs = [(lab, chaff.resolve()) for lab in labs for chaff in sorted((lab / "chaffs").glob("*.py"))]
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = list(pool.map(differences, jobs))
    for name, differ in found:
        for test in [t for t in differ if (name, t.rsplit("::", 1)[-1]) in EXPLAINED]:
            print(f"EXPLAINED  {name}: {test.rsplit('::', 1)[-1]}: {EXPLAINED[name, test.rsplit('::', 1)[-1]]}")
            differ.remove(test)
        if differ:
            print(f"DIFFERS  {name}: {len(differ)} tests, e.g. {differ[:3]}")
    same = sum(not differ for _, differ in found)
    print(f"judge parity: {same} of {len(found)} chaffs in {len(labs)} judged labs fail the same tests in both modes")
    return 0 if same == len(found) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env bash
# Gradescope autograder setup (runs once, when Gradescope builds the image).
# The autograder zip holds this script, run_autograder, and a copy of this repository in
# course/ (tests and harness come from there, never from the submission). INSTRUCTORS.md,
# "Gradescope", walks through it.
set -euo pipefail
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install -q --upgrade pip
/autograder/venv/bin/python -m pip install -q -e "/autograder/source/course[dev]"
# lab-06 only (a CPU build of torch is enough):
# /autograder/venv/bin/python -m pip install -q torch --index-url https://download.pytorch.org/whl/cpu

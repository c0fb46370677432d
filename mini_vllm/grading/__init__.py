"""Grading: load the file under test, record per-test results, and score a class's submissions.

`loader` is the one way a graded file is imported (by the test fixture and by any fresh
process a test starts); `plugin` is the pytest side of the harness; `grader` runs each
submission in its own process and scores it from the results the harness recorded.
"""

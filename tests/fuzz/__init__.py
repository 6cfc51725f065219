"""The project's own fuzzing harness: seeded mutations of its scenarios, run through the engine.

`python -m tests.fuzz --count 10000 --seed S` for the long run; `tests/fuzz/test_fuzz.py` runs a few
hundred in CI; `tests/fuzz/regressions/` keeps every document a run found wrong, with its expected message.
"""

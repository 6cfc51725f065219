"""Solving: the solver interfaces (HiGHS, CBC) and the program kept in HiGHS between solves.

It knows programs and solutions, never a plan: status first, duals' signs
normalised in one place (`solvers`), CBC's digits restored (`polish`), one
class that keeps a solver model (`kept.KeptProgram`).
"""

"""Plans: from a solved program to a checked plan, one path for every arrangement.

`arrangement` plans an arrangement (silo's two stages in `silo`, the joint
program in `optimise`), `canonical` chooses one plan among equally good ones,
`evaluate` re-scores it knowing nothing of the solver, `selfcheck` refuses
figures that cannot be right, `diagnosis` explains an infeasible one; `warm`
and `resolve` re-plan changed scenarios from kept models; `freedoms` prices
the asks.
"""

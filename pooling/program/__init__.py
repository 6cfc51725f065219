"""The program: MODEL.md's linear (or mixed-integer) program built from a scenario.

`spec.ModelSpec` says what to build; `build.build` assembles it into a labelled
`labelled.Program`, one module per family of constraints (`money`, `rules`,
`response` for the curves and the score, `choice` for the pooling switches);
`vocabulary` names what every row and column stands for.
"""

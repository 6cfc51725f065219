"""The public API's DataFrames hold plain, typed columns (issue 23): no tuples of objects, whole
numbers as whole numbers, a missing figure as NaN in a float column rather than None in an object one."""

from __future__ import annotations

from numbers import Number
from pathlib import Path

import pandas as pd
from pandas.api import types

import laa
from tests.paths import EXAMPLE

PARTNERS = Path(__file__).parent / "scenarios" / "analysis" / "partners"


def test_freedoms_are_plain_columns_with_their_moves_in_words() -> None:
    scenario = laa.load(EXAMPLE)
    frame = laa.freedoms(scenario, top=2)
    assert len(frame) > 2
    for column in frame.columns:  # text, numbers or missing: nothing a notebook cannot show or filter
        assert all(v is None or v is pd.NA or isinstance(v, str | Number) for v in frame[column]), column
    assert frame["targets_met_change"].dtype == "Int64"
    assert frame["targets_met_change"].iloc[2:].isna().all()  # not re-solved
    assert types.is_float_dtype(frame["gain"]) and types.is_float_dtype(frame["reward_change"])
    first = frame.iloc[0]
    assert " -> " in first["moves"]
    ids = first["moved_outcomes"].split(", ")
    assert all(scenario.outcome(i) for i in ids)
    assert scenario.label("outcomes", ids[0]) in first["moves"]


def test_partners_frames_hold_floats_where_a_figure_is_missing() -> None:
    result = laa.partners(laa.load(PARTNERS / "two_funders.yaml"))
    shares = result.shares_frame()
    assert shares["standard_error_pooling"].isna().all()  # exact shares: no standard error
    for column in shares.columns[1:]:
        assert types.is_float_dtype(shares[column]), column
    for frame in (result.own_view_frame(), result.fair_frame(), result.ranges_frame()):
        numbers = [c for c in frame.columns if c not in ("arrangement", "funder", "block")]
        assert all(types.is_float_dtype(frame[c]) for c in numbers), frame.dtypes


def test_help_on_a_plan_says_how_to_read_it() -> None:
    doc = laa.Plan.__doc__ or ""
    for said in ("status", "has_numbers", "allocation", "groupby", "outcomes", "money", "shadow_frame"):
        assert said in doc, said

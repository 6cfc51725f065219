"""Years as text: a range only where no year is missing, everywhere years are shown."""

import pytest
from laa.pooling.program.labelled import RowLabel
from laa.pooling.units import years_text


@pytest.mark.parametrize(
    ("years", "text"),
    [
        ((), ""),
        ((2026,), "2026"),
        ((2026, 2027, 2028), "2026-2028"),
        ((2026, 2028), "2026, 2028"),
        ((2026, 2027, 2029), "2026-2027, 2029"),
        ([2029, 2026, 2027, 2026], "2026-2027, 2029"),
    ],
)
def test_a_range_only_for_years_with_no_gap(years, text):
    assert years_text(years) == text


def test_row_names_use_it():
    assert RowLabel("rule", rule="r1", years=(2026, 2027, 2028)).name == "rule[r1,2026-2028]"
    assert RowLabel("rule", rule="r1", years=(2027,)).name == "rule[r1,2027]"

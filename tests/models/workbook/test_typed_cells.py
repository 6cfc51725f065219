"""Workbook cells read in the workbook's words (issue 23): money as `£800k` or `800,000`, shares as
`70%`, a share typed as 70 refused with how to type it, and one problem where one mistake was made
(a missing Outcomes sheet, a duplicate outcome id) rather than its consequences too."""

from __future__ import annotations

import warnings

import pytest
from click.testing import CliRunner
from laa.cli.main import laa as laa_command
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario
from laa.models.workbook import typed
from laa.models.workbook.writer import scenario_workbook

import laa
from tests.models.workbook.helpers import column_of, example_workbook, row_of
from tests.paths import EXAMPLE


def problems(path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(p) for p in caught.value.problems]


def set_cell(sheet: str, ident: str, header: str, value):
    def edit(book):
        ws = book[sheet]
        ws.cell(row_of(ws, ident), column_of(ws, header)).value = value

    return edit


@pytest.mark.parametrize(
    ("text", "pounds"),
    [
        ("£800k", 800_000),
        ("800,000", 800_000),
        ("£800,000", 800_000),
        ("£ 1.2m", 1_200_000),
        ("1.2M", 1_200_000),
        ("£1.5bn", 1_500_000_000),
        ("2,500.50", 2_500.5),
        ("750", 750),
        ("1e6", 1_000_000),
        ("-£5k", -5_000),
    ],
)
def test_money_as_a_spreadsheet_user_types_it(text: str, pounds: float) -> None:
    assert typed.money(text) == pounds


@pytest.mark.parametrize("text", ["lots", "£", "1,2", "80,0000", "£800 thousand", "-£-5", "1.2mn"])
def test_text_that_is_not_money_says_how_money_is_typed(text: str) -> None:
    with pytest.raises(typed.Mistyped, match="type pounds as a number"):
        typed.money(text)


def test_a_long_text_is_cut_in_the_message() -> None:
    with pytest.raises(typed.Mistyped) as caught:
        typed.money("x" * 10_000)
    assert str(caught.value).startswith("'" + "x" * 56 + "... is not an amount")


@pytest.mark.parametrize(("text", "share"), [("70%", 0.7), (" 12.5 % ", 0.125), ("0.7", 0.7), ("100%", 1.0)])
def test_a_share_as_a_percentage(text: str, share: float) -> None:
    assert typed.share(text) == pytest.approx(share)


def test_a_number_over_one_in_a_share_cell_is_a_percentage_typed_as_a_number() -> None:
    with pytest.raises(typed.Mistyped, match=r"70% is typed 0\.7 or 70%; found 70$"):
        typed.share(70)
    with pytest.raises(typed.Mistyped, match=r"70% is typed 0\.7 or 70%; found 70$"):
        typed.share("70")
    with pytest.raises(typed.Mistyped, match="at most 1"):
        typed.share(250)
    assert typed.share(1) == 1 and typed.share(0.25) == 0.25


def test_money_and_shares_typed_as_text_plan_as_the_numbers_they_say(tmp_path) -> None:
    def edit(book):
        for change in (
            set_cell("Streams", "nrf", "amounts 2027", "£800k"),
            set_cell("Streams", "nrf", "amounts 2028", "800,000"),
            set_cell("Streams", "nrf", "admin_rate", "7%"),
        ):
            change(book)

    scenario = load_scenario(example_workbook(tmp_path, edit))
    nrf = scenario.stream("nrf")
    assert (nrf.amount_in(2027), nrf.amount_in(2028)) == (800_000, 800_000)
    assert nrf.admin_rate == pytest.approx(0.07)


def test_a_percent_formatted_cell_holds_its_share(tmp_path) -> None:
    def edit(book):
        ws = book["Streams"]
        cell = ws.cell(row_of(ws, "nrf"), column_of(ws, "admin_rate"))
        cell.value, cell.number_format = 0.7, "0%"  # what Excel stores when 70% is typed

    assert load_scenario(example_workbook(tmp_path, edit)).stream("nrf").admin_rate == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            set_cell("Streams", "nrf", "admin_rate", 70),
            "area.xlsx: Streams!I2: admin_rate: a share is at most 1 (100%): 70% is typed 0.7 or 70%; "
            "found 70",
        ),
        (
            set_cell("Streams", "nrf", "amounts 2027", "£800 thousand"),
            "area.xlsx: Streams!F2: amounts 2027: '£800 thousand' is not an amount; type pounds as a number "
            "(800000), or as £800,000, £800k or £1.2m",
        ),
        (
            set_cell("Streams", "nrf", "admin_rate", "lots"),
            "area.xlsx: Streams!I2: admin_rate: 'lots' is not a share; type a share as 0.7 or 70%",
        ),
    ],
    ids=["share-as-70", "money-in-words", "share-in-words"],
)
def test_a_mistyped_cell_is_one_problem_in_the_workbook_s_words(tmp_path, edit, expected) -> None:
    assert problems(example_workbook(tmp_path, edit)) == [expected]


def test_a_duplicate_outcome_id_is_one_problem_not_a_missing_field_at_a_filled_cell(tmp_path) -> None:
    def edit(book):
        ws = book["Outcomes"]
        ws.append([ws.cell(2, c).value for c in range(1, ws.max_column + 1)])  # neet's row again

    found = problems(example_workbook(tmp_path, edit))
    last = len(load_scenario(EXAMPLE).outcomes) + 2
    assert found == [f"area.xlsx: Outcomes!A{last}: id: duplicate id: 2 items of outcomes are called 'neet'"]


def test_a_missing_outcomes_sheet_is_one_problem_not_one_per_response_row(tmp_path) -> None:
    def edit(book):
        del book["Outcomes"]

    assert problems(example_workbook(tmp_path, edit)) == [
        "area.xlsx: Outcomes: sheet is missing; a scenario workbook has sheets "
        "Area, Funders, Outcomes, Response, Streams"
    ]


def test_an_empty_outcomes_sheet_is_one_problem_too(tmp_path) -> None:
    def edit(book):
        book["Outcomes"].delete_rows(2, book["Outcomes"].max_row)

    assert problems(example_workbook(tmp_path, edit)) == [
        "area.xlsx: Outcomes: the sheet has no rows below its header; at least one is expected"
    ]


def test_a_response_row_for_no_outcome_is_still_named(tmp_path) -> None:
    def edit(book):
        book["Response"]["A2"].value = "nowhere"

    assert "area.xlsx: Response!A2: no outcome 'nowhere' on the Outcomes sheet" in problems(
        example_workbook(tmp_path, edit)
    )


def _in_millions(tmp_path):
    """The example with every amount typed in £ millions (1.2 for £1.2m; £0.3m as 1, since under £1 is
    refused): valid, and wrong. Its largest stream brings £9m a year, typed 9."""
    scenario = load_scenario(EXAMPLE)
    streams = [
        s.model_copy(update={"amounts": {t: max(1.0, s.amount_in(t) / 1e6) for t in scenario.years}})
        for s in scenario.streams
    ]
    path = tmp_path / "millions.xlsx"
    path.write_bytes(scenario_workbook(scenario.model_copy(update={"streams": streams})))
    return path


def test_amounts_typed_in_millions_are_warned_of_on_the_command_line(tmp_path) -> None:
    path = _in_millions(tmp_path)
    run = CliRunner().invoke(laa_command, ["validate", str(path)])
    assert run.exit_code == 0, run.output
    assert run.stderr == (
        f"warning: {path}: every stream's amount is under £1,000 (the largest is £9.00): amounts are in "
        "pounds, not £ millions: £1.2m is typed 1200000 (in a workbook also £1.2m)\n"
    )
    assert CliRunner().invoke(laa_command, ["validate", str(EXAMPLE)]).stderr == ""


def test_amounts_typed_in_millions_are_warned_of_in_the_api(tmp_path) -> None:
    with pytest.warns(UserWarning, match="amounts are in pounds, not £ millions"):
        laa.load(_in_millions(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        laa.load(EXAMPLE)

import numpy as np
import pandas as pd
import pytest

from verloop.errors import InputError
from verloop.models.tabular import (
    MISSING_LEVEL,
    parse_target,
    plan_columns,
    prepare_table,
    read_table,
)

from .helpers import attrition_frame


@pytest.mark.parametrize(
    "values, expected",
    [
        (["Yes", "No", "yes", "No"], [1, 0, 1, 0]),
        (["1", "0", "0", "1"], [1, 0, 0, 1]),
        ([1, 0, 0, 1], [1, 0, 0, 1]),
        ([1.0, 0.0, 1.0, 1.0], [1, 0, 1, 1]),
        ([True, False, False, True], [1, 0, 0, 1]),
        (["true", "false", "TRUE", "False"], [1, 0, 1, 0]),
        (["Ja", "Nee", "Nee", "Ja"], [1, 0, 0, 1]),
    ],
)
def test_parse_target_recognises_common_codings(values, expected):
    y, positive = parse_target(pd.Series(values, name="Attrition"))
    assert y.tolist() == expected
    assert positive.lower() in {"yes", "1", "1.0", "true", "ja"}


def test_parse_target_with_explicit_positive_label():
    y, positive = parse_target(pd.Series(["Left", "Stayed", "Stayed"], name="s"), positive="Left")
    assert y.tolist() == [1, 0, 0] and positive == "Left"
    with pytest.raises(InputError, match="does not occur"):
        parse_target(pd.Series(["Left", "Stayed"], name="s"), positive="Gone")


def test_parse_target_rejects_more_than_two_values_in_one_sentence():
    with pytest.raises(InputError) as info:
        parse_target(pd.Series(["Yes", "No", "Maybe"], name="Attrition"))
    message = str(info.value)
    assert "'Attrition' has 3 distinct values" in message and message.count(". ") == 0


def test_parse_target_rejects_unknown_pair_and_single_value():
    with pytest.raises(InputError, match="--positive"):
        parse_target(pd.Series(["Gone", "Here"], name="status"))
    with pytest.raises(InputError, match="only the value"):
        parse_target(pd.Series(["No", "No"], name="status"))


def test_plan_drops_id_like_and_constant_columns_with_reasons():
    frame = attrition_frame(100)
    frame["Name"] = [f"person {i}" for i in range(100)]
    frame["HireDate"] = pd.date_range("2020-01-01", periods=100).strftime("%Y-%m-%d")
    plan = plan_columns(frame, exclude=["Left"])
    assert plan.dropped["EmployeeNumber"].startswith("id-like")
    assert plan.dropped["Country"].startswith("constant")
    assert plan.dropped["Name"].startswith("id-like")
    assert plan.dropped["HireDate"].startswith("a date")
    assert set(plan.numeric) == {"Satisfaction", "Tenure", "Income"}
    assert set(plan.categorical) == {"OverTime", "Department"}
    assert plan.few_level_numeric(frame) == ["Satisfaction"]
    assert "Income" in plan.skewed_numeric(frame) or "Tenure" in plan.skewed_numeric(frame)


def test_unique_but_unsorted_measurements_are_kept():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {"Salary": rng.permutation(np.arange(1000, 1100) * 7).astype(float), "y": rng.integers(0, 2, 100)}
    )
    plan = plan_columns(frame, exclude=["y"])
    assert plan.numeric == ["Salary"]


def test_prepare_table_cleans_values_and_reports_notices():
    frame = attrition_frame(60)
    frame.loc[3, "Left"] = None
    frame.loc[4, "Department"] = None
    frame.loc[5, "Income"] = np.nan
    frame["Hours"] = ["32,5"] * 30 + ["40"] * 30  # decimal comma
    table = prepare_table(frame, target="Left")
    assert table.n_rows == 59
    assert any("Dropped 1 rows" in n for n in table.notices)
    assert any("'EmployeeNumber'" in n and "id-like" in n for n in table.notices)
    assert table.X["Department"].eq(MISSING_LEVEL).sum() == 1
    assert table.X["Hours"].dtype == np.float64 and table.X["Hours"].max() == 40.0
    assert table.X["Income"].isna().sum() == 1
    assert table.y.dtype == np.int8


def test_prepare_table_errors_are_single_sentences():
    frame = attrition_frame(60)
    with pytest.raises(InputError, match="Target column 'Attrition' is not in the file"):
        prepare_table(frame, target="Attrition")
    with pytest.raises(InputError, match="Time column 'Years' is not in the file"):
        prepare_table(frame, target="Left", time="Years")
    with pytest.raises(InputError, match="non-numeric"):
        prepare_table(frame, target="Left", time="Department")
    frame.loc[7, "Tenure"] = -1
    with pytest.raises(InputError, match="negative duration"):
        prepare_table(frame, target="Left", time="Tenure")
    with pytest.raises(InputError, match="at least 20"):
        prepare_table(attrition_frame(10), target="Left")


def test_read_table_handles_bom_semicolons_and_missing_files(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes("\ufeffAge;Left\r\n30;Yes\r\n40;No\r\n".encode("utf-8"))
    frame = read_table(path)
    assert list(frame.columns) == ["Age", "Left"] and len(frame) == 2
    with pytest.raises(InputError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_table(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError):
        read_table(empty)

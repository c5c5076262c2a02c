"""Reference statistics for the Qualtrics "No Basis for Evaluation" export, computed with pandas
independently of mctrack, for tests/platform_qualtrics.rs.

Reads both layouts of the same 15 responses straight from the CSV files,
tests/fixtures/platforms/qualtrics/QualtricsTools_No_Basis_for_Evaluation_Insights.csv (three
header rows: export tags, question text, ImportId) and ..._Legacy.csv (BOM, two header rows:
export tags, question text; a trailing comma on every line), checks that the two layouts give
the same numbers, and writes tests/fixtures/reference/platform_qualtrics.json with:

- for each rating item (Q1, the statements Q3_1..Q3_4 and Q4_1..Q4_4): the valid n, the missing n
  (blank, or a Qualtrics negative code: -1 "No opinion"/"No basis for evaluation", -2 "Never tried
  it"), the count at each level keyed by the Qualtrics recode value, and the mean, sample SD
  (ddof=1) and median of the recode values over the valid answers, missing codes excluded;
- for each select-all question (Q2 and the multi-answer matrix statements Q5_1..Q5_3,
  Q6_1..Q6_3): the number of respondents choosing each option, the base (respondents choosing at
  least one option) and the missing n (respondents choosing none).

The question structure (which columns hold which question and option, and the valid recode
values) is written out below from the survey definition, No_Basis_for_Evaluation.qsf (see
tests/fixtures/platforms/qualtrics/PROVENANCE.md); nothing is read from mctrack's codebook or
mapping files.

Run from the repository root (needs Python 3.11, pandas and numpy):

    python3 tests/reference/platform_qualtrics.py

Run it again only if the fixture files change; the JSON is committed.
"""

import json
import math
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "platforms" / "qualtrics"
OUT = ROOT / "tests" / "fixtures" / "reference" / "platform_qualtrics.json"

INSIGHTS = "QualtricsTools_No_Basis_for_Evaluation_Insights.csv"
LEGACY = "QualtricsTools_No_Basis_for_Evaluation_Legacy.csv"

# Rating items: export tag (the same in both layouts) -> valid recode values and their labels.
SQUASH = {1: "Great", 2: "In the middle", 3: "Awful"}  # QID1; No opinion = -1
LIKE = {1: "Like", 2: "Neither like nor dislike", 3: "Dislike"}  # QID3, QID4; -1, -2 missing
RATING_ITEMS = {"Q1": SQUASH}
for q in ("Q3", "Q4"):
    for statement in range(1, 5):
        RATING_ITEMS[f"{q}_{statement}"] = LIKE

# Select-all questions: question -> [(option code, label, Insights column, Legacy column)].
# The Insights layout names a choice's column by its recode value (Q2_-1), the legacy layout by
# its position (Q2_4).
SELECT_ALL = {
    "Q2": [
        ("great", "Squash are great", "Q2_1", "Q2_1"),
        ("tolerable", "Squash are tolerable", "Q2_2", "Q2_2"),
        ("anguish", "Squash cause me anguish", "Q2_3", "Q2_3"),
        ("no_basis", "No basis for evaluation", "Q2_-1", "Q2_4"),
        ("never_had", "I've never had squash", "Q2_-2", "Q2_5"),
    ]
}
for statement in range(1, 4):
    q5 = f"Q5_{statement}"
    SELECT_ALL[q5] = [
        ("year1", "1st Year", f"{q5}_1", f"{q5}_1"),
        ("year2", "2nd Year", f"{q5}_2", f"{q5}_2"),
        ("did_not", "Did not participate", f"{q5}_-1", f"{q5}_3"),
    ]
for statement in range(1, 4):
    q6 = f"Q6_{statement}"
    SELECT_ALL[q6] = [
        ("year1", "1st Year", f"{q6}_1", f"{q6}_1"),
        ("year2", "2nd Year", f"{q6}_2", f"{q6}_2"),
        ("did_not", "Did not participate", f"{q6}_-1", f"{q6}_3"),
        ("prefer_not", "Prefer not to Answer", f"{q6}_-2", f"{q6}_4"),
    ]


def read_layout(name, header_rows, id_column):
    """The data rows as strings, columns named by the first header row, indexed by response id."""
    frame = pd.read_csv(
        FIXTURES / name,
        header=0,
        skiprows=range(1, header_rows),
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    return frame.set_index(id_column).sort_index()


def rating_stats(cells, levels):
    """Statistics of one rating item; anything but a valid recode value is missing."""
    cells = cells.str.strip()
    allowed = {"", "-1", "-2"} | {str(code) for code in levels}
    assert set(cells) <= allowed, f"unexpected cells {sorted(set(cells) - allowed)}"
    codes = pd.to_numeric(cells, errors="coerce")
    valid = codes[codes.isin(list(levels))].astype(float)
    counts = {str(code): int((valid == code).sum()) for code in levels}
    return {
        "n": int(valid.size),
        "missing": int(cells.size - valid.size),
        "counts": counts,
        "mean": float(valid.mean()),
        "sd": float(valid.std(ddof=1)),
        "median": float(valid.median()),
    }


def select_all_stats(frame, options, layout_index):
    """Respondents choosing each option; an option's column holds 1 when it was chosen, else
    nothing. `layout_index` picks the Insights (0) or legacy (1) column names."""
    columns = {code: frame[cols[layout_index]].str.strip() for code, _, *cols in options}
    for code, cells in columns.items():
        assert set(cells) <= {"", "1"}, f"option {code}: {set(cells)}"
    chosen = pd.DataFrame({code: cells == "1" for code, cells in columns.items()})
    any_chosen = chosen.any(axis=1)
    return {
        "base": int(any_chosen.sum()),
        "missing": int((~any_chosen).sum()),
        "counts": {code: int(chosen[code].sum()) for code, *_ in options},
    }


def statistics(frame, layout_index):
    return {
        "rating": {q: rating_stats(frame[q], levels) for q, levels in RATING_ITEMS.items()},
        "select_all": {
            q: select_all_stats(frame, options, layout_index) for q, options in SELECT_ALL.items()
        },
    }


def same(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-12)
    return a == b


def main():
    insights = read_layout(INSIGHTS, 3, "ResponseID")
    legacy = read_layout(LEGACY, 2, "V1")
    assert list(insights.index) == list(legacy.index), "the layouts hold different responses"
    by_insights = statistics(insights, 0)
    by_legacy = statistics(legacy, 1)
    assert same(by_insights, by_legacy), "the two layouts give different statistics"
    reference = {
        "about": "pandas reference for QualtricsTools_No_Basis_for_Evaluation_{Insights,Legacy}.csv; "
        "written by tests/reference/platform_qualtrics.py",
        "respondents": int(len(insights)),
        "labels": {
            "rating": {q: {str(c): l for c, l in levels.items()} for q, levels in RATING_ITEMS.items()},
            "select_all": {q: {code: label for code, label, *_ in o} for q, o in SELECT_ALL.items()},
        },
        **by_insights,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(reference, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

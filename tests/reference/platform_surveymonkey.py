#!/usr/bin/env python3
"""Reference statistics for the SurveyMonkey "Star Wars" export, computed with pandas and numpy
independently of mctrack.

Reads tests/fixtures/platforms/surveymonkey/fivethirtyeight_StarWars.csv (FiveThirtyEight's
copy of a SurveyMonkey export: Windows-1252, two header rows, row 1 written once over each
multi-column question) with its own reading of the layout, and writes
tests/fixtures/reference/platform_surveymonkey.json with:

  favourability  for each of the 14 characters of "Please state whether you view the following
                 characters favorably, ...": valid n, missing n (blank or "Unfamiliar (N/A)"),
                 unfamiliar n, blank n, counts per level from "Very unfavorably" (1) to
                 "Very favorably" (5), and the mean, sample SD (ddof = 1) and median of the codes
                 1-5. "Unfamiliar (N/A)" and blanks are excluded from every statistic.
  seen_films     for the check-all "Which of the following Star Wars films have you seen?":
                 the number of respondents ticking each film (a cell holding the film's own
                 label) and the base, the respondents who ticked at least one film; the
                 percentage of the base per film.

tests/platform_forms.rs compares `mctrack summary --format json` on the same file against
this JSON to 1e-9.

Run from the repository root:  python3 tests/reference/platform_surveymonkey.py
Needs: Python 3.11+, pandas, numpy.
"""

import json
import os

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(
    ROOT, "tests", "fixtures", "platforms", "surveymonkey", "fivethirtyeight_StarWars.csv"
)
OUT = os.path.join(ROOT, "tests", "fixtures", "reference", "platform_surveymonkey.json")

FAVOURABILITY_QUESTION = (
    "Please state whether you view the following characters favorably, unfavorably, "
    "or are unfamiliar with him/her."
)
SEEN_QUESTION = "Which of the following Star Wars films have you seen? Please select all that apply."
LEVELS = [
    "Very unfavorably",
    "Somewhat unfavorably",
    "Neither favorably nor unfavorably (neutral)",
    "Somewhat favorably",
    "Very favorably",
]
UNFAMILIAR = "Unfamiliar (N/A)"
# Question ids of the fixture codebook (tests/fixtures/codebooks/surveymonkey_starwars.toml),
# by the sub-item label in header row 2.
CHARACTER_IDS = {
    "Han Solo": "FAV_HAN",
    "Luke Skywalker": "FAV_LUKE",
    "Princess Leia Organa": "FAV_LEIA",
    "Anakin Skywalker": "FAV_ANAKIN",
    "Obi Wan Kenobi": "FAV_OBIWAN",
    "Emperor Palpatine": "FAV_PALPATINE",
    "Darth Vader": "FAV_VADER",
    "Lando Calrissian": "FAV_LANDO",
    "Boba Fett": "FAV_BOBA",
    "C-3P0": "FAV_C3PO",
    "R2 D2": "FAV_R2D2",
    "Jar Jar Binks": "FAV_JARJAR",
    "Padme Amidala": "FAV_PADME",
    "Yoda": "FAV_YODA",
}


def read_export():
    """The data rows as strings, with columns named (question, sub-item) after filling
    header row 1 forward."""
    raw = pd.read_csv(
        SOURCE, encoding="cp1252", header=None, dtype=str, keep_default_na=False
    )
    top = raw.iloc[0].replace("", np.nan).ffill().fillna("").tolist()
    sub = raw.iloc[1].tolist()
    data = raw.iloc[2:].reset_index(drop=True)
    data.columns = pd.MultiIndex.from_arrays([top, sub])
    return data


def favourability(data):
    out = {}
    codes = {label: i + 1 for i, label in enumerate(LEVELS)}
    for character, qid in CHARACTER_IDS.items():
        cells = data[(FAVOURABILITY_QUESTION, character)].str.strip()
        unknown = set(cells) - set(LEVELS) - {UNFAMILIAR, ""}
        assert not unknown, (character, unknown)
        valid = cells[cells.isin(LEVELS)].map(codes).astype("float64")
        n = int(valid.size)
        out[qid] = {
            "character": character,
            "n": n,
            "missing": int(cells.size - n),
            "unfamiliar": int((cells == UNFAMILIAR).sum()),
            "blank": int((cells == "").sum()),
            "counts": [int((valid == k).sum()) for k in range(1, len(LEVELS) + 1)],
            "mean": float(valid.mean()),
            "sd": float(valid.std(ddof=1)),
            "median": float(valid.median()),
        }
    return out


def seen_films(data):
    block = data[SEEN_QUESTION]
    films = list(block.columns)
    # A ticked film stores its own label; an unticked one is empty.
    ticked = pd.DataFrame(
        {film: block[film].str.strip() == film.strip() for film in films}
    )
    stray = [
        film for film in films if ((block[film].str.strip() != "") & ~ticked[film]).any()
    ]
    assert not stray, stray
    base = int(ticked.any(axis=1).sum())
    return {
        "respondents": int(len(block)),
        "base": base,
        "films": [
            {
                "label": film,
                "n": int(ticked[film].sum()),
                "percent": float(ticked[film].sum()) * 100.0 / base,
            }
            for film in films
        ],
    }


def main():
    data = read_export()
    result = {
        "source": "tests/fixtures/platforms/surveymonkey/fivethirtyeight_StarWars.csv",
        "respondents": int(len(data)),
        "favourability": favourability(data),
        "seen_films": seen_films(data),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()

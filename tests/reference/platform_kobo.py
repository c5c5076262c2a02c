#!/usr/bin/env python3
"""Reference counts for the KoboToolbox MSNA workbook, computed with openpyxl and pandas,
independently of mctrack.

The workbook writes each select_multiple twice: one column of space-separated choice names
(`water_sources`) and one TRUE/FALSE column per choice (`water_sources.piped`, ...). mctrack
reads the first; this script counts the second, so agreement checks both the space-separated
parsing and the workbook's booleans. It also gives, for each satisfaction item, the counts per
level, n, mean, sample sd and median.

Run from the repository root:  python3 tests/reference/platform_kobo.py
Needs: Python 3.11+, openpyxl, pandas. Writes tests/fixtures/reference/platform_kobo.json.
"""

import json
import os

import openpyxl
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOOK = os.path.join(ROOT, "tests/fixtures/platforms/kobotoolbox/cleaningtools_kobo_msna_data.xlsx")
LEVELS = ["very_dissatisfied", "somewhat_dissatisfied", "neither_satisfied", "somewhat_satisfied", "very_satisfied"]
CHOICES = ["piped", "tap", "borehole", "well", "bottled", "trucking", "spring", "rainwater", "surface", "other", "dont_know"]


def main():
    sheet = openpyxl.load_workbook(BOOK, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    out = {"responses": int(len(frame)), "water_sources": {}, "satisfaction": {}}
    answered = frame[[f"water_sources.{c}" for c in CHOICES]].any(axis=1)
    out["water_sources"]["base"] = int(answered.sum())
    for choice in CHOICES:
        out["water_sources"][choice] = int(frame[f"water_sources.{choice}"].sum())
    for source in ["piped", "tap", "borehole", "bottled", "trucking"]:
        column = frame[f"satisfaction_{source}"].dropna()
        codes = column.map(lambda v: LEVELS.index(v) + 1).astype("float64")
        out["satisfaction"][source] = {
            "n": int(codes.size),
            "missing": int(len(frame) - codes.size),
            "counts": [int((codes == k).sum()) for k in range(1, 6)],
            "mean": float(codes.mean()) if codes.size else None,
            "sd": float(codes.std(ddof=1)) if codes.size > 1 else None,
            "median": float(codes.median()) if codes.size else None,
        }
    path = os.path.join(ROOT, "tests/fixtures/reference/platform_kobo.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()

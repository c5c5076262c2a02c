#!/usr/bin/env python3
"""Reference values for mctrack's inferential statistics (src/stats/), computed independently.

Writes tests/fixtures/reference/stats.json: for every function of stats::intervals,
stats::weights, stats::inference, stats::adjust, stats::reliability and stats::trend, a list of
cases, each holding its input data and the values a reference implementation gives:

  intervals    scipy.stats (t, binom, ttest_ind, quantile_test) and statsmodels (DescrStatsW,
               proportion_confint, confint_proportions_2indep with method="newcomb")
  weights      the formulas in numpy, checked against statsmodels DescrStatsW and
               proportion_confint
  inference    scipy.stats chi2_contingency, contingency.association, fisher_exact, kruskal,
               mannwhitneyu; pingouin.mwu for the rank-biserial correlation
  adjust       statsmodels multipletests ("holm", "fdr_bh")
  reliability  pingouin.cronbach_alpha (nan_policy "listwise" and "pairwise"); item-rest
               correlations with pandas; Feldt's interval with scipy.stats.f
  trend        pymannkendall.original_test (checked against the textbook formula) and
               scipy.stats.linregress

Data: the real Likert sets in tests/fixtures/likert/ (mass, gap, and pingouin's two Cronbach
sets) plus edge cases: n = 0, 1, 2, 3, ties, all-equal values, empty groups, unequal groups and
weights. Where the reference raises or returns NaN for a degenerate input, the case records what
mctrack decided to return instead (see the doc comments in src/stats/) and says so in "note".

Run from the repository root:  python3 tests/reference/make_stats_reference.py
Needs: Python 3.11+, numpy, pandas, scipy, statsmodels, pingouin, pymannkendall.
The Rust tests (tests/stats_inference.rs) read the JSON and need no Python.
"""

import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pymannkendall as mk
import scipy
import statsmodels
from scipy import stats
from scipy.stats import contingency
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIKERT = os.path.join(ROOT, "tests", "fixtures", "likert")
OUT = os.path.join(ROOT, "tests", "fixtures", "reference", "stats.json")

RNG = np.random.default_rng(20260607)


def num(x):
    """A float for JSON: None for missing or NaN, a string for an infinity."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def values_json(values):
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]


def present(values):
    return np.array([v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))], dtype=float)


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(abs(b), 1.0)


# --- Data ------------------------------------------------------------------------------------

MASS_LABELS = ["Strongly Disagree", "Disagree", "Neutral", "Agree", "Strongly Agree"]


def load_mass():
    mass = pd.read_csv(os.path.join(LIKERT, "mass.csv"), dtype=str, keep_default_na=False)
    items = {}
    for col in mass.columns[1:]:
        items[col] = [MASS_LABELS.index(v) + 1 if v else None for v in mass[col]]
    return list(mass["Gender"]), items


def load_gap():
    gap = pd.read_csv(os.path.join(LIKERT, "gap.csv"))
    return {col: [None if pd.isna(v) else int(v) for v in gap[col]] for col in gap.columns[1:]}


GENDER, MASS = load_mass()
GAP = load_gap()
SERVICES = ["Financial Aid", "Bursar", "Advising", "Records and Registration", "Testing and Examination"]


def by_gender(item):
    female = [v for g, v in zip(GENDER, MASS[item]) if g == "Female" and v is not None]
    male = [v for g, v in zip(GENDER, MASS[item]) if g == "Male" and v is not None]
    return female, male


# --- Intervals -------------------------------------------------------------------------------

def mean_t_cases():
    vectors = {}
    for item in list(MASS)[:4]:
        vectors[f"mass: {item}"] = (MASS[item], [1, 2, 3, 4, 5])
    for item in ("Advising", "Bursar - Importance"):
        vectors[f"gap: {item}"] = (GAP[item], list(range(1, 8)))
    vectors.update({
        "empty": ([], [1, 2, 3, 4, 5]),
        "one answer": ([4], [1, 2, 3, 4, 5]),
        "two answers": ([2, 5], [1, 2, 3, 4, 5]),
        "three answers": ([1, 1, 5], [1, 2, 3, 4, 5]),
        "all equal (zero variance)": ([3] * 9, [1, 2, 3, 4, 5]),
        "with missing": ([1, None, 2, 2, 5, None, 4, 4], [1, 2, 3, 4, 5]),
        "missing only": ([None, None], [1, 2, 3, 4, 5]),
        "skewed": ([5] * 40 + [4] * 30 + [1] * 3, [1, 2, 3, 4, 5]),
    })
    numeric = {"random normal 200": list(RNG.normal(50, 12, 200)), "reals": [2.5, 3.25, 1e3, -4.0, 0.001]}
    cases = []
    for level in (0.95, 0.9, 0.99):
        for name, (values, levels) in list(vectors.items()) + [(k, (v, None)) for k, v in numeric.items()]:
            x = present(values)
            n = x.size
            case = {"name": f"{name} @ {level}", "values": values_json(values), "levels": levels, "level": level}
            if n < 2:
                case.update(estimate=None, lower=None, upper=None)
            else:
                m = x.mean()
                sd = x.std(ddof=1)
                half = stats.t.ppf((1 + level) / 2, n - 1) * sd / math.sqrt(n)
                lower, upper = m - half, m + half
                if sd > 0:
                    ref = stats.t.interval(level, n - 1, loc=m, scale=stats.sem(x))
                    assert close(ref[0], lower) and close(ref[1], upper)
                if levels is not None:
                    counts = [int((x == v).sum()) for v in levels]
                    d = DescrStatsW(np.array(levels, dtype=float), weights=np.array(counts, dtype=float))
                    lo, hi = d.tconfint_mean(alpha=1 - level)
                    assert sd == 0 or (close(lo, lower) and close(hi, upper)), name
                case.update(estimate=m, lower=lower, upper=upper)
            cases.append(case)
    return cases


PROPORTIONS = [(0, 0), (0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (1, 2), (1, 3), (17, 40),
               (150, 400), (5, 1000), (999, 1000), (13, 20)]


def proportion_cases():
    cases = []
    for level in (0.95, 0.9, 0.99):
        for x, n in PROPORTIONS:
            case = {"name": f"{x}/{n} @ {level}", "successes": x, "n": n, "level": level}
            if n == 0:
                case.update(wilson=None, clopper_pearson=None)
            else:
                w = proportion_confint(x, n, alpha=1 - level, method="wilson")
                cp = proportion_confint(x, n, alpha=1 - level, method="beta")
                case["wilson"] = {"estimate": x / n, "lower": float(w[0]), "upper": float(w[1])}
                case["clopper_pearson"] = {"estimate": x / n, "lower": float(cp[0]), "upper": float(cp[1])}
            cases.append(case)
    return cases


def median_ci(x, level):
    """Order-statistic interval (DescTools MedianCI method "exact"): k = qbinom(alpha/2, n, 0.5),
    interval (x_(k), x_(n-k+1)), 1-based; coverage 1 - 2 P(B <= k-1). None when k = 0."""
    n = x.size
    xs = np.sort(x)
    k = int(stats.binom.ppf((1 - level) / 2, n, 0.5)) if n else 0
    ref = stats.quantile_test(xs, q=np.median(xs), p=0.5).confidence_interval(level) if n else None
    if k == 0:
        assert ref is None or (math.isnan(ref.low) and math.isnan(ref.high))
        return None
    lower, upper = xs[k - 1], xs[n - k]
    assert ref.low == lower and ref.high == upper, (ref, lower, upper)
    return {"median": float(np.median(xs)), "lower": float(lower), "upper": float(upper),
            "coverage": float(1 - 2 * stats.binom.cdf(k - 1, n, 0.5))}


def median_cases():
    vectors = {}
    for item in list(MASS)[:5]:
        vectors[f"mass: {item}"] = (MASS[item], [1, 2, 3, 4, 5])
    for item in SERVICES[:3]:
        vectors[f"gap: {item}"] = (GAP[item], list(range(1, 8)))
    for n in range(0, 10):
        vectors[f"n = {n}"] = ([1 + (i * 3) % 5 for i in range(n)], [1, 2, 3, 4, 5])
    vectors["all equal"] = ([4] * 25, [1, 2, 3, 4, 5])
    vectors["with missing"] = ([1, None, 2, 2, 5, None, 4, 4, 3, 3, 5], [1, 2, 3, 4, 5])
    vectors["skewed 73"] = ([5] * 40 + [4] * 30 + [1] * 3, [1, 2, 3, 4, 5])
    vectors["large 1001"] = (list(RNG.integers(1, 6, 1001)), [1, 2, 3, 4, 5])
    cases = []
    for level in (0.95, 0.9, 0.99):
        for name, (values, levels) in vectors.items():
            cases.append({"name": f"{name} @ {level}", "values": values_json(values), "levels": levels,
                          "level": level, "expected": median_ci(present(values), level)})
    return cases


def newcombe_cases():
    pairs = [(5, 20, 9, 15), (0, 20, 0, 15), (20, 20, 0, 15), (1, 1, 0, 1), (0, 0, 3, 10), (3, 10, 0, 0),
             (17, 40, 30, 45), (150, 400, 120, 410), (7, 9, 7, 9)]
    female, male = by_gender("I find math interesting.")
    pairs.append((sum(v >= 4 for v in female), len(female), sum(v >= 4 for v in male), len(male)))
    cases = []
    for level in (0.95, 0.9):
        for x1, n1, x2, n2 in pairs:
            case = {"name": f"{x1}/{n1} - {x2}/{n2} @ {level}", "x1": x1, "n1": n1, "x2": x2, "n2": n2, "level": level}
            if n1 == 0 or n2 == 0:
                case["expected"] = None
            else:
                lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - level)
                case["expected"] = {"estimate": x1 / n1 - x2 / n2, "lower": float(lo), "upper": float(hi)}
            cases.append(case)
    return cases


def welch_cases():
    pairs = {}
    for item in list(MASS)[:6]:
        pairs[f"mass by gender: {item}"] = by_gender(item) + ([1, 2, 3, 4, 5],)
    for s in SERVICES[:3]:
        pairs[f"gap: {s}, satisfaction vs importance"] = (GAP[s], GAP[f"{s} - Importance"], list(range(1, 8)))
    pairs.update({
        "two and two": ([1, 3], [2, 5], [1, 2, 3, 4, 5]),
        "one group without variance": ([4, 4, 4], [1, 2, 5, 3], [1, 2, 3, 4, 5]),
        "both without variance": ([4, 4, 4], [2, 2], [1, 2, 3, 4, 5]),
        "one answer in a group": ([4], [1, 2, 5], [1, 2, 3, 4, 5]),
        "empty group": ([], [1, 2, 5], [1, 2, 3, 4, 5]),
        "unequal sizes and variances": (list(RNG.normal(3, 0.5, 12)), list(RNG.normal(3.4, 1.5, 57)), None),
    })
    cases = []
    for level in (0.95, 0.99):
        for name, (x, y, levels) in pairs.items():
            a, b = present(x), present(y)
            case = {"name": f"{name} @ {level}", "x": values_json(x), "y": values_json(y), "levels": levels, "level": level}
            if a.size < 2 or b.size < 2 or (a.var() == 0 and b.var() == 0):
                case["expected"] = None
            else:
                with warnings.catch_warnings():
                    # scipy warns of precision loss for a group without variance; its result
                    # is still exact there (the group's variance is 0).
                    warnings.simplefilter("ignore", RuntimeWarning)
                    r = stats.ttest_ind(a, b, equal_var=False)
                ci = r.confidence_interval(level)
                case["expected"] = {"difference": a.mean() - b.mean(), "t": float(r.statistic), "df": float(r.df),
                                    "p": float(r.pvalue), "lower": float(ci.low), "upper": float(ci.high)}
            cases.append(case)
    return cases


# --- Weights ---------------------------------------------------------------------------------

def weight_cases():
    n = 60
    values = list(RNG.integers(1, 6, n).astype(float))
    sets = {
        "lognormal weights": (values, list(RNG.lognormal(0, 0.6, n))),
        "equal weights": (values, [2.5] * n),
        "frequency weights": (values, list(RNG.integers(1, 4, n).astype(float))),
        "some zero weights": (values[:12], [0.0, 1.0, 2.0, 0.0, 1.5, 1.0, 0.5, 3.0, 1.0, 0.0, 2.0, 1.0]),
        "missing values": ([1.0, None, 4.0, 5.0, None, 2.0, 3.0], [1.0, 2.0, 0.5, 1.5, 1.0, 2.0, 1.0]),
        "gap advising, weighted by importance": (
            [float(v) for v in GAP["Advising"]], [float(v) for v in GAP["Advising - Importance"]]),
        "one positive weight": ([3.0, 4.0, 5.0], [0.0, 2.0, 0.0]),
        "two values": ([2.0, 5.0], [1.0, 3.0]),
        "all zero weights": ([3.0, 4.0], [0.0, 0.0]),
        "empty": ([], []),
        "negative weight": ([3.0, 4.0], [1.0, -1.0]),
        "lengths differ": ([3.0, 4.0, 5.0], [1.0, 1.0]),
        "all equal values": ([4.0] * 5, [1.0, 2.0, 1.0, 3.0, 1.0]),
    }
    cases = []
    for level in (0.95, 0.9):
        for name, (x, w) in sets.items():
            case = {"name": f"{name} @ {level}", "values": values_json(x), "weights": [float(v) for v in w],
                    "level": level, "chosen_from": 4.0}
            invalid = len(x) != len(w) or any(v < 0 for v in w)
            keep = [(v, wt) for v, wt in zip(x, w) if v is not None] if not invalid else []
            xs = np.array([v for v, _ in keep], dtype=float)
            ws = np.array([wt for _, wt in keep], dtype=float)
            if invalid or ws.sum() <= 0:
                case.update(mean=None, n_eff=None, mean_interval=None, proportion=None)
                cases.append(case)
                continue
            sw = ws.sum()
            mean = float((ws * xs).sum() / sw)
            n_eff = float(sw ** 2 / (ws ** 2).sum())
            d = DescrStatsW(xs, weights=ws)
            assert close(d.mean, mean)
            var_w = float((ws * (xs - mean) ** 2).sum() / sw)
            assert close(d.var, var_w)
            case.update(mean=mean, n_eff=n_eff)
            if n_eff > 1:
                # The Kish approximation: se^2 = var_w / (n_eff - 1), df = n_eff - 1.
                se = math.sqrt(var_w / (n_eff - 1))
                half = stats.t.ppf((1 + level) / 2, n_eff - 1) * se
                case["mean_interval"] = {"estimate": mean, "lower": mean - half, "upper": mean + half}
                if name.startswith("equal weights"):
                    ref = stats.t.interval(level, xs.size - 1, loc=xs.mean(), scale=stats.sem(xs))
                    assert close(ref[0], mean - half) and close(ref[1], mean + half)
                if name.startswith("frequency weights"):
                    # Frequency weights expanded into rows: the Kish interval is wider (n_eff < sum w).
                    lo, hi = d.tconfint_mean(alpha=1 - level)
                    assert lo < mean - half * 0.5 and hi > mean + half * 0.5
            else:
                case["mean_interval"] = None
            y = (xs >= 4.0).astype(float)
            p = float((ws * y).sum() / sw)
            z = stats.norm.ppf((1 + level) / 2)
            centre = (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
            half = z / (1 + z * z / n_eff) * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff))
            lo, hi = proportion_confint(p * n_eff, n_eff, alpha=1 - level, method="wilson")
            assert close(lo, max(centre - half, 0.0)) and close(hi, min(centre + half, 1.0))
            case["proportion"] = {"estimate": p, "lower": float(lo), "upper": float(hi)}
            cases.append(case)
    return cases


# --- Group comparisons -----------------------------------------------------------------------

def chi_square_cases():
    tables = {}
    for item in list(MASS)[:5]:
        table = [[sum(1 for g, v in zip(GENDER, MASS[item]) if g == sex and v == lv) for lv in range(1, 6)]
                 for sex in ("Female", "Male")]
        tables[f"mass: gender x {item}"] = table
    advising = GAP["Advising"]
    bursar = GAP["Bursar"]
    tables["gap: advising x bursar (7 x 7, sparse)"] = [[sum(1 for a, b in zip(advising, bursar) if a == i and b == j)
                                                         for j in range(1, 8)] for i in range(1, 8)]
    tables["gap: advising top-2 x bursar top-2"] = [[sum(1 for a, b in zip(advising, bursar) if (a >= 6) == i and (b >= 6) == j)
                                                     for j in (True, False)] for i in (True, False)]
    tables.update({
        "2 x 2": [[12, 5], [7, 15]],
        "2 x 2 small": [[3, 1], [1, 3]],
        "2 x 2 within a half of expected": [[5, 5], [5, 6]],
        "2 x 2 large": [[420, 380], [350, 450]],
        "3 x 4": [[10, 20, 30, 5], [15, 15, 10, 10], [5, 8, 12, 20]],
        "2 x 3 with an empty column": [[4, 0, 6], [7, 0, 2]],
        "3 x 2 with an empty row": [[4, 6], [0, 0], [7, 2]],
        "1 x 3": [[4, 5, 6]],
        "one non-empty row": [[4, 5, 6], [0, 0, 0]],
        "all zero": [[0, 0], [0, 0]],
        "independent exactly": [[10, 20], [20, 40]],
    })
    cases = []
    for name, table in tables.items():
        t = np.array(table)
        reduced = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
        case = {"name": name, "table": table}
        if reduced.ndim < 2 or min(reduced.shape) < 2:
            case["expected"] = None
        else:
            plain = stats.chi2_contingency(reduced, correction=False)
            yates = stats.chi2_contingency(reduced, correction=True)
            v = contingency.association(reduced, method="cramer")
            case["expected"] = {
                "df": int(plain.dof),
                "statistic": float(plain.statistic), "p": float(plain.pvalue),
                "statistic_yates": float(yates.statistic), "p_yates": float(yates.pvalue),
                "cramers_v": float(v),
            }
        cases.append(case)
    return cases


def fisher_cases():
    tables = [[[3, 1], [1, 3]], [[8, 2], [1, 5]], [[1, 9], [11, 3]], [[0, 5], [5, 0]], [[5, 0], [0, 5]],
              [[0, 3], [4, 2]], [[2, 0], [3, 4]], [[10, 10], [10, 10]], [[7, 3], [3, 7]], [[1, 0], [0, 0]],
              [[0, 0], [4, 5]], [[4, 0], [5, 0]], [[20, 15], [12, 28]], [[120, 80], [95, 110]],
              [[1, 1], [1, 1]], [[6, 12], [12, 5]], [[0, 1], [1, 0]], [[2, 7], [8, 2]], [[50, 1], [1, 50]],
              [[3, 5], [4, 50]], [[9, 9], [9, 10]], [[2, 3], [3, 2]], [[25, 25], [25, 25]], [[31, 14], [16, 29]],
              [[100, 2], [3, 90]], [[0, 10], [10, 0]], [[4, 6], [6, 4]], [[1, 300], [9, 280]]]
    for _ in range(12):
        tables.append(RNG.integers(0, 25, (2, 2)).tolist())
    cases = []
    for table in tables:
        t = np.array(table)
        case = {"name": f"{table}", "table": table}
        if 0 in t.sum(axis=0) or 0 in t.sum(axis=1):
            case["expected"] = None
        else:
            r = stats.fisher_exact(t)
            case["expected"] = {"p": float(r.pvalue), "odds_ratio": num(r.statistic)}
        cases.append(case)
    return cases


def kruskal_cases():
    groups = {}
    for item in list(MASS)[:6]:
        groups[f"mass by gender: {item}"] = (list(by_gender(item)), 5)
    groups["gap: satisfaction with the five services"] = ([GAP[s] for s in SERVICES], 7)
    groups["gap: importance of the five services"] = ([GAP[f"{s} - Importance"] for s in SERVICES], 7)
    groups.update({
        "unequal groups with ties": ([list(RNG.integers(1, 6, n)) for n in (5, 17, 40)], 5),
        "an empty group": ([[1, 2, 2, 3], [], [3, 4, 5, 5, 4]], 5),
        "single answers": ([[1], [3], [5]], 5),
        "two single answers": ([[2], [4]], 5),
        "all tied": ([[3, 3], [3, 3, 3], [3]], 5),
        "one non-empty group": ([[1, 2, 3], []], 5),
        "no groups": ([], 5),
        "reals without ties": ([[2.5, 3.75, -1.0, 8.0], [0.5, 1.25, 9.5], [4.0, 7.0, 6.5, 10.0, 11.0]], None),
    })
    cases = []
    for name, (gs, k) in groups.items():
        present_groups = [present(g) for g in gs]
        nonempty = [g for g in present_groups if g.size > 0]
        case = {"name": name, "groups": [values_json(g) for g in gs], "levels": k}
        if len(nonempty) < 2:
            case["expected"] = None
        elif np.unique(np.concatenate(nonempty)).size == 1:
            case["expected"] = {"h": 0.0, "df": len(nonempty) - 1, "p": 1.0}
            case["note"] = "all values tied: scipy raises; mctrack returns H = 0, p = 1"
        else:
            r = stats.kruskal(*nonempty)
            case["expected"] = {"h": float(r.statistic), "df": len(nonempty) - 1, "p": float(r.pvalue)}
        cases.append(case)
    return cases


def mann_whitney_cases():
    pairs = {}
    for item in list(MASS)[:8]:
        pairs[f"mass by gender: {item}"] = by_gender(item) + (5,)
    for s in SERVICES:
        pairs[f"gap: {s}, satisfaction vs importance"] = (GAP[s], GAP[f"{s} - Importance"], 7)
    pairs.update({
        "one and one": ([2], [4], 5),
        "one and two": ([2], [4, 1], 5),
        "small without ties": ([1, 3, 5], [2, 4], 5),
        "all tied": ([3, 3, 3], [3, 3], 5),
        "x all above y": ([5, 5, 4], [1, 2, 2, 1], 5),
        "empty x": ([], [1, 2], 5),
        "unequal sizes": (list(RNG.integers(1, 6, 9)), list(RNG.integers(2, 6, 31)), 5),
        "reals": ([1.5, 2.25, 9.0, -3.0], [0.5, 2.25, 4.0, 7.5, 8.0, 8.5], None),
    })
    cases = []
    for name, (x, y, k) in pairs.items():
        a, b = present(x), present(y)
        case = {"name": name, "x": values_json(x), "y": values_json(y), "levels": k}
        if a.size == 0 or b.size == 0:
            case["expected"] = None
        else:
            r = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic", use_continuity=True)
            u1 = float(r.statistic)
            rbc = 2 * u1 / (a.size * b.size) - 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ping = pg.mwu(a, b)
            assert close(float(ping["RBC"].iloc[0]), rbc), (name, ping)
            case["expected"] = {"u": u1, "p": float(r.pvalue), "rank_biserial": rbc}
        cases.append(case)
    return cases


def adjust_cases():
    lists = {
        "five": [0.01, 0.04, 0.03, 0.005, 0.2],
        "ties": [0.02, 0.02, 0.02, 0.5, 0.001, 0.001],
        "with ones": [1.0, 0.8, 0.03, 1.0],
        "one": [0.04],
        "empty": [],
        "random 40": list(RNG.uniform(0, 0.2, 40)),
        "all tiny": [1e-12, 3e-10, 2e-8],
    }
    cases = []
    for name, p in lists.items():
        case = {"name": name, "p": p}
        if p:
            case["holm"] = [float(v) for v in multipletests(p, method="holm")[1]]
            case["bh"] = [float(v) for v in multipletests(p, method="fdr_bh")[1]]
        else:
            case["holm"], case["bh"] = [], []
        cases.append(case)
    p = [0.01, None, 0.04, 0.03, None]
    kept = [v for v in p if v is not None]
    holm = iter(multipletests(kept, method="holm")[1])
    bh = iter(multipletests(kept, method="fdr_bh")[1])
    cases.append({"name": "with missing", "p": p,
                  "holm": [None if v is None else float(next(holm)) for v in p],
                  "bh": [None if v is None else float(next(bh)) for v in p],
                  "note": "missing p-values stay missing and are not counted (as R's p.adjust)"})
    return cases


# --- Reliability -----------------------------------------------------------------------------

def feldt(alpha, n, k, level):
    df1 = n - 1
    df2 = df1 * (k - 1)
    lower = 1 - (1 - alpha) * stats.f.isf((1 - level) / 2, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.isf(1 - (1 - level) / 2, df1, df2)
    return float(lower), float(upper)


def item_rest_from_cov(c, i):
    """Correlation of item i with the sum of the others, from a covariance matrix."""
    others = [j for j in range(c.shape[0]) if j != i]
    cov_ir = c[i, others].sum()
    var_rest = c[np.ix_(others, others)].sum()
    if c[i, i] <= 0 or var_rest <= 0:
        return None
    return float(cov_ir / math.sqrt(c[i, i] * var_rest))


def reliability(frame, policy, level):
    k = frame.shape[1]
    data = frame.dropna(axis=0, how="any") if policy == "listwise" else frame.dropna(axis=0, how="all")
    n = data.shape[0]
    if k < 2 or n < 2:
        return None
    c = data.cov().to_numpy()
    if np.isnan(c).any() or c.sum() <= 0:
        return None
    alpha, ci = pg.cronbach_alpha(data, nan_policy=policy, ci=level)
    alpha = float(alpha)
    assert close(alpha, k / (k - 1) * (1 - np.trace(c) / c.sum()))
    # Feldt's interval with n the rows used. pingouin rounds it to 3 decimals and, after listwise
    # deletion, still counts the deleted rows in n; where no row was deleted the two agree.
    lower, upper = feldt(alpha, n, k, level)
    if n == frame.shape[0]:
        assert np.allclose(ci, np.round([lower, upper], 3)), (ci, lower, upper)
    if_dropped = []
    item_rest = []
    for i, col in enumerate(data.columns):
        rest = data.drop(columns=col)
        if k >= 3 and rest.cov().to_numpy().sum() > 0:
            if_dropped.append(float(pg.cronbach_alpha(rest, nan_policy=policy)[0]))
        else:
            if_dropped.append(None)
        r = item_rest_from_cov(c, i)
        if policy == "listwise" and r is not None:
            direct = data[col].corr(rest.sum(axis=1))
            assert close(float(direct), r), (col, direct, r)
        item_rest.append(r)
    return {"alpha": alpha, "n": int(n), "k": int(k), "lower": lower, "upper": upper,
            "alpha_if_dropped": if_dropped, "item_rest": item_rest}


def reliability_cases():
    sets = {}
    wide = pd.read_csv(os.path.join(LIKERT, "pingouin_cronbach_wide_missing.csv"), encoding="utf-8-sig")
    sets["pingouin cronbach_wide_missing"] = wide.astype(float)
    long = pd.read_csv(os.path.join(LIKERT, "pingouin_cronbach_alpha_long.csv"))
    sets["pingouin cronbach_alpha (long, pivoted)"] = long.pivot(index="Subj", columns="Items", values="Scores").astype(float)
    anxiety = ["I get uptight during math tests.",
               "Mind goes blank and I am unable to think clearly when doing my math test.",
               "I worry about my ability to solve math problems.",
               "I get a sinking feeling when I try to do math problems.",
               "Mathematics makes me feel nervous.", "Mathematics makes me feel uneasy.",
               "Mathematics makes me feel confused."]
    sets["mass: anxiety items"] = pd.DataFrame({c: MASS[c] for c in anxiety}, dtype=float)
    liking = ["I find math interesting.", "Math relates to my life.", "Math is one of my favorite subjects.",
              "I enjoy learning with mathematics.", "I would like to take more math classes."]
    # Negatively worded relative to liking: reversed (6 - level) before scoring, as the caller does.
    mixed = {c: MASS[c] for c in liking}
    mixed["Mathematics makes me feel nervous. (reversed)"] = [6 - v for v in MASS["Mathematics makes me feel nervous."]]
    sets["mass: liking items with one reversed"] = pd.DataFrame(mixed, dtype=float)
    sets["gap: satisfaction"] = pd.DataFrame({s: GAP[s] for s in SERVICES}, dtype=float)
    holes = pd.DataFrame({s: GAP[s] for s in SERVICES}, dtype=float)
    mask = RNG.uniform(size=holes.shape) < 0.08
    sets["gap: satisfaction with 8% missing"] = holes.mask(mask)
    sets["two items, two rows"] = pd.DataFrame({"a": [1.0, 3.0], "b": [2.0, 5.0]})
    sets["one item"] = pd.DataFrame({"a": [1.0, 3.0, 4.0]})
    sets["one row"] = pd.DataFrame({"a": [1.0], "b": [2.0], "c": [4.0]})
    sets["constant item"] = pd.DataFrame({"a": [1.0, 2.0, 4.0, 5.0], "b": [2.0, 2.0, 5.0, 4.0], "c": [3.0] * 4})
    sets["all constant"] = pd.DataFrame({"a": [2.0] * 4, "b": [3.0] * 4, "c": [1.0] * 4})
    sets["a row with nothing"] = pd.DataFrame({"a": [1.0, 2.0, None, 4.0, 5.0], "b": [2.0, 2.0, None, 4.0, 4.0],
                                               "c": [1.0, 3.0, None, 5.0, None]})
    cases = []
    for name, frame in sets.items():
        rows = [[None if pd.isna(v) else float(v) for v in row] for row in frame.itertuples(index=False)]
        for policy in ("listwise", "pairwise"):
            for level in (0.95, 0.9):
                cases.append({"name": f"{name}, {policy} @ {level}", "rows": rows, "policy": policy, "level": level,
                              "expected": reliability(frame, policy, level)})
    # pingouin's documented values, so the reading of the data is checked too.
    assert close(reliability(sets["pingouin cronbach_wide_missing"], "pairwise", 0.95)["alpha"], 0.732660835214447)
    assert close(reliability(sets["pingouin cronbach_wide_missing"], "listwise", 0.95)["alpha"], 0.8016949152542373)
    assert close(reliability(sets["pingouin cronbach_alpha (long, pivoted)"], "listwise", 0.95)["alpha"], 0.5917188485995826)
    return cases


# --- Trend -----------------------------------------------------------------------------------

def mann_kendall_textbook(x):
    n = x.size
    s = sum(np.sign(x[j] - x[i]) for i in range(n - 1) for j in range(i + 1, n))
    _, t = np.unique(x, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - (t * (t - 1) * (2 * t + 5)).sum()) / 18
    z = 0.0 if s == 0 else (s - np.sign(s)) / math.sqrt(var)
    return float(s), float(var), float(z), float(2 * stats.norm.sf(abs(z)))


def mann_kendall_cases():
    gap_means = [float(np.mean(GAP[s])) for s in SERVICES]
    series = {
        "increasing with ties": [1, 2, 2, 3, 1, 4, 5, 5],
        "random 30": list(RNG.normal(0, 1, 30)),
        "trend plus noise 50": list(np.arange(50) * 0.05 + RNG.normal(0, 1, 50)),
        "decreasing": [5.0, 4.5, 4.4, 3.0, 2.0, 2.0, 1.0],
        "four wave means": [3.1, 3.4, 3.35, 3.8],
        "gap: mean satisfaction by service": gap_means,
        "all equal": [2.0] * 6,
        "two values": [1.0, 2.0],
        "two equal values": [3.0, 3.0],
        "three values": [3.0, 1.0, 2.0],
        "one value": [1.0],
        "empty": [],
        "with missing": [1.0, None, 2.0, 4.0, None, 3.0, 5.0],
        "many ties": [1, 1, 1, 2, 2, 3, 3, 3, 3, 2, 4, 4, 5, 4, 5, 5],
    }
    cases = []
    for name, values in series.items():
        x = present(values)
        case = {"name": name, "values": values_json(values)}
        if x.size < 2:
            case["expected"] = None
        else:
            r = mk.original_test(x)
            s, var, z, p = mann_kendall_textbook(x)
            assert close(r.s, s) and close(r.var_s, var) and close(r.z, z) and close(r.p, p, 1e-12), (name, r)
            case["expected"] = {"s": float(r.s), "var_s": float(r.var_s), "z": float(r.z), "p": float(r.p),
                                "tau": float(r.Tau)}
        cases.append(case)
    return cases


def df_of(x):
    return int(x.size - 2)


def linear_cases():
    sets = {
        "four waves": ([1, 2, 3, 4], [3.1, 3.4, 3.35, 3.8]),
        "random 30": (list(RNG.uniform(0, 10, 30)), None),
        "repeated x": ([1, 1, 2, 2, 3, 3, 4, 4], [2.0, 3.0, 2.5, 3.5, 3.0, 4.5, 4.0, 4.0]),
        "decreasing": ([0, 1, 2, 3, 4, 5], [10.0, 8.0, 8.5, 6.0, 5.0, 2.0]),
        "exact line": ([1, 2, 3, 4, 5], [3.0, 5.0, 7.0, 9.0, 11.0]),
        "constant y": ([1, 2, 3, 4], [2.0, 2.0, 2.0, 2.0]),
        "three points": ([1, 2, 4], [1.0, 3.0, 2.0]),
        "two points": ([1, 2], [1.0, 3.0]),
        "all x equal": ([2, 2, 2], [1.0, 2.0, 3.0]),
        "with missing": ([1, 2, None, 4, 5, 6], [1.0, None, 2.0, 2.5, 4.0, 3.5]),
        "gap: advising on importance": ([float(v) for v in GAP["Advising - Importance"]],
                                        [float(v) for v in GAP["Advising"]]),
    }
    xs, _ = sets["random 30"]
    sets["random 30"] = (xs, list(0.3 * np.array(xs) + RNG.normal(0, 1, 30)))
    cases = []
    for level in (0.95, 0.9):
        for name, (x, y) in sets.items():
            pairs = [(a, b) for a, b in zip(x, y) if a is not None and b is not None]
            a = np.array([p[0] for p in pairs], dtype=float)
            b = np.array([p[1] for p in pairs], dtype=float)
            case = {"name": f"{name} @ {level}", "x": values_json(x), "y": values_json(y), "level": level}
            if a.size < 3 or np.unique(a).size < 2:
                case["expected"] = None
            elif np.unique(b).size == 1:
                case["expected"] = {"slope": 0.0, "intercept": float(b[0]), "se": 0.0, "p": 1.0, "r": 0.0, "df": df_of(a),
                                    "lower": 0.0, "upper": 0.0}
                case["note"] = "constant y: scipy returns NaN; mctrack returns a flat line with p = 1"
            else:
                r = stats.linregress(a, b)
                df = a.size - 2
                half = stats.t.ppf((1 + level) / 2, df) * r.stderr
                case["expected"] = {"slope": float(r.slope), "intercept": float(r.intercept), "se": float(r.stderr),
                                    "p": float(r.pvalue), "r": float(r.rvalue), "df": df,
                                    "lower": float(r.slope - half), "upper": float(r.slope + half)}
            cases.append(case)
    return cases


def main():
    data = {
        "generator": (f"numpy {np.__version__}, pandas {pd.__version__}, scipy {scipy.__version__}, "
                      f"statsmodels {statsmodels.__version__}, pingouin {pg.__version__}, "
                      f"pymannkendall {mk.__version__}"),
        "mean_t": mean_t_cases(),
        "proportion": proportion_cases(),
        "median": median_cases(),
        "newcombe": newcombe_cases(),
        "welch": welch_cases(),
        "weights": weight_cases(),
        "chi_square": chi_square_cases(),
        "fisher": fisher_cases(),
        "kruskal": kruskal_cases(),
        "mann_whitney": mann_whitney_cases(),
        "adjust": adjust_cases(),
        "reliability": reliability_cases(),
        "mann_kendall": mann_kendall_cases(),
        "linear": linear_cases(),
    }
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True, allow_nan=False)
        f.write("\n")
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()

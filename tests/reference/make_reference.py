#!/usr/bin/env python3
"""Reference values for mctrack's tests, computed independently with pandas and numpy.

Writes, under tests/fixtures/reference/:
  descriptives.json    mean, sd, median, level percentages and box shares of every item of two
                       real Likert data sets (likert::mass, likert::gap) and of edge cases, plus
                       descriptives of numeric vectors;
  sample_summary.json  the summary of the bundled synthetic sample (surveys/sample), overall and
                       by wave, computed from the CSV files with this script's own reading of the
                       codebook: header mapping, label and code mapping, missing codes, the
                       duplicate submissions left out, the equity module's consent gate, and
                       questions a pilot's file does not include counted as not asked.

Run from the repository root:  python3 tests/reference/make_reference.py
Needs: Python 3.11+, pandas, numpy. The tests read the JSON and need no Python.
"""

import csv
import glob
import io
import json
import os
import re
import tomllib

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "reference")


def none_if_nan(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def describe_levels(values, level_values, top_box=2):
    """values: level values with None for missing."""
    s = pd.Series([v for v in values if v is not None], dtype="float64")
    n = int(s.size)
    counts = [int((s == v).sum()) for v in level_values]
    k = len(level_values)
    return {
        "values": values,
        "levels": level_values,
        "n": n,
        "missing": int(sum(v is None for v in values)),
        "counts": counts,
        "mean": none_if_nan(s.mean()) if n else None,
        "sd": none_if_nan(s.std(ddof=1)) if n > 1 else None,
        "median": none_if_nan(s.median()) if n else None,
        "percents": [c * 100.0 / n for c in counts] if n else [None] * k,
        "top": sum(counts[k - top_box:]) * 100.0 / n if n else None,
        "bottom": sum(counts[:top_box]) * 100.0 / n if n else None,
        "top_box": top_box,
    }


def descriptives():
    cases = []
    mass = pd.read_csv(os.path.join(ROOT, "tests/fixtures/likert/mass.csv"), dtype=str, keep_default_na=False)
    labels = ["Strongly Disagree", "Disagree", "Neutral", "Agree", "Strongly Agree"]
    for col in mass.columns[1:]:
        values = [labels.index(v) + 1 if v else None for v in mass[col]]
        cases.append({"name": f"mass: {col}", **describe_levels(values, [1, 2, 3, 4, 5])})
    gap = pd.read_csv(os.path.join(ROOT, "tests/fixtures/likert/gap.csv"))
    for col in gap.columns[1:]:
        values = [None if pd.isna(v) else int(v) for v in gap[col]]
        cases.append({"name": f"gap: {col}", **describe_levels(values, list(range(1, 8)), top_box=2)})
    edge = {
        "one answer": [4],
        "two answers, even median": [2, 5],
        "all ties": [3] * 9,
        "missing only": [None, None],
        "even count with missing": [1, None, 2, 2, 5, None, 4, 4],
        "skewed": [5] * 40 + [4] * 30 + [1] * 3,
    }
    for name, values in edge.items():
        cases.append({"name": name, **describe_levels(values, [1, 2, 3, 4, 5])})
    numeric = []
    rng = np.random.default_rng(20261129)
    vectors = {
        "counts with a gap": [0, 1, 1, 2, 3, 5, 8, 13, 21],
        "single value": [7.5],
        "reals with missing": [2.5, None, 3.25, 1e3, -4.0, None, 0.001],
        "random normal 200": list(rng.normal(50, 12, 200)),
    }
    for name, values in vectors.items():
        s = pd.Series([v for v in values if v is not None], dtype="float64")
        numeric.append({
            "name": name,
            "values": [None if v is None else float(v) for v in values],
            "n": int(s.size),
            "mean": float(s.mean()),
            "sd": none_if_nan(s.std(ddof=1)) if s.size > 1 else None,
            "median": float(s.median()),
            "min": float(s.min()),
            "max": float(s.max()),
            "sum": float(s.sum()),
        })
    return {"generator": "pandas " + pd.__version__ + ", numpy " + np.__version__, "levels": cases, "numeric": numeric}


# --- The sample summary ----------------------------------------------------------------------

def norm(text):
    text = re.sub(r"<[^>]*>", " ", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\ufeff", "")
    return " ".join(text.split()).lower()


def read_text(path):
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def sample_summary():
    cb = tomllib.load(open(os.path.join(ROOT, "surveys/codebook.toml"), "rb"))
    questions = cb["questions"]
    roles = cb["roles"]["values"]
    waves = cb["waves"]["values"]
    missing = {norm(m) for m in cb["missing"]["labels"]}
    scales = cb["scales"]
    header_map = {}
    for q in questions:
        header_map[norm(q["text"])] = ("q", q["id"])
        for a in q.get("aliases", []):
            header_map[norm(a)] = ("q", q["id"])
    for field, meta in cb["metadata"].items():
        header_map[norm(meta["column"])] = ("m", field)
        for a in meta.get("aliases", []):
            header_map[norm(a)] = ("m", field)
    ids = {q["id"].lower(): q["id"] for q in questions}
    for key, qid in ids.items():
        header_map[key] = ("q", qid)

    def target(header):
        key = norm(header)
        if key in header_map:
            return header_map[key]
        prefix = key.split("_", 1)[0]
        if "_" in key and prefix in ids:
            return ("q", ids[prefix])
        return None  # identifier columns (Email)

    def level_lookup(q):
        table = {}
        if q["type"] == "likert":
            for i, lv in enumerate(scales[q["scale"]]["levels"]):
                table[str(lv["code"])] = i + 1
                table[norm(lv["label"])] = i + 1
        elif q["type"] in ("single", "multi"):
            for i, o in enumerate(q["options"]):
                table[norm(o["code"])] = i + 1
                table[norm(o["label"])] = i + 1
        elif q["type"] == "yesno":
            for v in ("no", "n", "0", "false"):
                table[v] = 1
            for v in ("yes", "y", "1", "true"):
                table[v] = 2
        return table

    lookups = {q["id"]: level_lookup(q) for q in questions}
    scale_missing = {q["id"]: {norm(m) for m in scales[q["scale"]].get("missing", [])} if q["type"] == "likert" else set() for q in questions}

    def parse(q, raw):
        key = norm(raw)
        t = q["type"]
        if t == "text":
            return raw.strip() or None
        if t == "numeric":
            return None if key in missing else float(raw)
        if t == "multi":
            if key in missing:
                return None
            chosen = set()
            for part in raw.split(";"):
                if norm(part):
                    chosen.add(lookups[q["id"]][norm(part)])
            return frozenset(chosen) or None
        if key in lookups[q["id"]]:
            return lookups[q["id"]][key]
        assert key in missing or key in scale_missing[q["id"]], (q["id"], raw)
        return None

    records = []
    for path in sorted(glob.glob(os.path.join(ROOT, "surveys/sample/*.csv"))):
        rows = list(csv.reader(io.StringIO(read_text(path))))
        targets = [target(h) for h in rows[0]]
        seen = set()
        for row in rows[1:]:
            rec = {}
            for t, cell in zip(targets, row):
                if t is None:
                    continue
                kind, name = t
                rec[name] = cell.strip() if kind == "m" else cell
            key = (rec["pilot"], rec["wave"], rec["respondent_id"])
            if key in seen:
                continue  # the duplicate submission mctrack rejects
            seen.add(key)
            out = {"role": norm(rec["role"]).replace(" ", "_"), "wave": rec["wave"], "pilot": rec["pilot"]}
            # A question whose column the file lacks was not asked of its respondents.
            out["_present"] = {name for kind, name in (t for t in targets if t) if kind == "q"}
            for q in questions:
                out[q["id"]] = parse(q, rec.get(q["id"], ""))
            if out["D00"] != 2:
                for q in questions:
                    if q.get("module") == "equity" and q["id"] != "D00":
                        out[q["id"]] = None
            records.append(out)
    df = pd.DataFrame(records)

    def summarize(frame):
        result = {}
        for q in questions:
            asked = frame[frame["role"].isin(q["roles"]) & frame["_present"].map(lambda p: q["id"] in p)]
            if "waves" in q:
                asked = asked[asked["wave"].isin(q["waves"])]
            col = asked[q["id"]]
            answered = col[col.notna()]
            entry = {"asked": int(len(col)), "base": int(len(answered)), "missing": int(len(col) - len(answered))}
            t = q["type"]
            if t == "likert":
                codes = [lv["code"] for lv in scales[q["scale"]]["levels"]]
                vals = pd.Series([codes[int(v) - 1] for v in answered], dtype="float64")
                counts = [int((answered == i + 1).sum()) for i in range(len(codes))]
                n = len(vals)
                entry.update({
                    "counts": counts,
                    "mean": none_if_nan(vals.mean()) if n else None,
                    "sd": none_if_nan(vals.std(ddof=1)) if n > 1 else None,
                    "median": none_if_nan(vals.median()) if n else None,
                    "top2": (counts[-1] + counts[-2]) * 100.0 / n if n else None,
                    "bottom2": (counts[0] + counts[1]) * 100.0 / n if n else None,
                })
            elif t in ("single", "yesno"):
                k = 2 if t == "yesno" else len(q["options"])
                entry["counts"] = [int((answered == i + 1).sum()) for i in range(k)]
            elif t == "multi":
                entry["counts"] = [int(sum(1 for s in answered if i + 1 in s)) for i in range(len(q["options"]))]
            elif t == "numeric":
                vals = answered.astype("float64")
                entry.update({
                    "mean": float(vals.mean()), "sd": none_if_nan(vals.std(ddof=1)),
                    "median": float(vals.median()), "min": float(vals.min()),
                    "max": float(vals.max()), "sum": float(vals.sum()),
                })
            result[q["id"]] = entry
        return result

    by_wave = {w: summarize(df[df["wave"] == w]) for w in waves}

    # Group comparisons with scipy, groups under the minimum cell size (10) left out.
    from scipy import stats as st
    def asked_frame(qid):
        q = next(x for x in questions if x["id"] == qid)
        f = df[df["role"].isin(q["roles"]) & df["_present"].map(lambda p: qid in p)]
        return f[f[qid].notna()]
    compare = {}
    for qid, by in [("L08", "pilot"), ("L10", "pilot"), ("L03", "wave"), ("L04", "pilot"), ("L06", "D02")]:
        f = asked_frame(qid)
        groups = [g for _, g in f.groupby(by) if len(g) >= 10]
        q = next(x for x in questions if x["id"] == qid)
        if q["type"] == "likert":
            h, p_value = st.kruskal(*[g[qid].astype(float) for g in groups])
            compare[f"{qid} by {by}"] = {"test": "Kruskal-Wallis H", "statistic": float(h), "p": float(p_value), "groups": len(groups)}
        else:
            k = 2 if q["type"] == "yesno" else len(q["options"])
            table = [[int((g[qid] == i + 1).sum()) for i in range(k)] for g in groups]
            chi2, p_value, dof, _ = st.chi2_contingency(table, correction=False)
            compare[f"{qid} by {by}"] = {"test": "chi-square", "statistic": float(chi2), "p": float(p_value), "df": int(dof), "groups": len(groups)}
    # Trends: slope per wave through respondents' answers (linregress), Wilson interval of a
    # wave's share and Welch's change of a mean against the first wave.
    from statsmodels.stats.proportion import proportion_confint
    wave_index = {w: i for i, w in enumerate(waves)}
    l03 = asked_frame("L03")
    fit = st.linregress(l03["wave"].map(wave_index), (l03["L03"] == 2) * 100.0)
    exit_yes = l03[l03["wave"] == "exit"]
    low, high = proportion_confint(int((exit_yes["L03"] == 2).sum()), len(exit_yes), alpha=0.05, method="wilson")
    compare["trend L03"] = {"slope": float(fit.slope), "p": float(fit.pvalue), "exit_lower": 100 * low, "exit_upper": 100 * high}
    e06 = asked_frame("E06")
    fit = st.linregress(e06["wave"].map(wave_index), e06["E06"].astype(float))
    first = e06[e06["wave"] == "exit"]["E06"].astype(float)
    last = e06[e06["wave"] == "annual"]["E06"].astype(float)
    welch = st.ttest_ind(last, first, equal_var=False)
    compare["trend E06"] = {"slope": float(fit.slope), "p": float(fit.pvalue), "annual_change": float(last.mean() - first.mean()), "annual_change_p": float(welch.pvalue)}

    # A pilot against the rest: P07's top-2 share of L08 minus that of the other pilots shown,
    # with Newcombe's hybrid score interval from statsmodels.
    from statsmodels.stats.proportion import confint_proportions_2indep
    l08_groups = {p: g for p, g in asked_frame("L08").groupby("pilot") if len(g) >= 10}
    p07 = l08_groups["P07"]["L08"].astype(float)
    rest = pd.concat([g for p, g in l08_groups.items() if p != "P07"])["L08"].astype(float)
    x1, n1, x2, n2 = int((p07 >= 4).sum()), len(p07), int((rest >= 4).sum()), len(rest)
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=0.05)
    compare["L08 P07 vs rest"] = {"difference": 100 * (x1 / n1 - x2 / n2), "lower": 100 * low, "upper": 100 * high}

    # D02 (rows) by the select-all L12 at exit: respondents choosing each option per row, and one
    # chi-square per option (chose it or not) over the rows of 10 or more respondents.
    f = df[(df["wave"] == "exit") & (df["role"] == "learner") & df["D02"].notna() & df["L12"].notna()
           & df["_present"].map(lambda p: "L12" in p and "D02" in p)]
    rows = {int(level): g for level, g in f.groupby("D02")}
    l12 = next(x for x in questions if x["id"] == "L12")
    chosen = {level: [int(g["L12"].map(lambda s, k=k: k + 1 in s).sum()) for k in range(len(l12["options"]))]
              for level, g in rows.items()}
    tests = []
    for k in range(len(l12["options"])):
        table = [[chosen[level][k], len(g) - chosen[level][k]] for level, g in rows.items() if len(g) >= 10]
        chi2, p_value, dof, _ = st.chi2_contingency(table, correction=False)
        tests.append({"statistic": float(chi2), "p": float(p_value), "df": int(dof)})
    compare["D02 by L12 at exit"] = {"woman_chosen": chosen[1], "woman_base": len(rows[1]),
                                     "total": len(f), "tests": tests}

    # Scorecard indicators at the annual wave: L08 top-2 share (Wilson), E06 top-2 change since
    # exit (Newcombe, statsmodels), P03 mean (t) and its change (Welch).
    l08_annual = asked_frame("L08").query("wave == 'annual'")["L08"].astype(float)
    top = int((l08_annual >= 4).sum())
    low, high = proportion_confint(top, len(l08_annual), alpha=0.05, method="wilson")
    e06 = asked_frame("E06")
    e06_last = (e06[e06["wave"] == "annual"]["E06"].astype(float) >= 4)
    e06_first = (e06[e06["wave"] == "exit"]["E06"].astype(float) >= 4)
    c_low, c_high = confint_proportions_2indep(int(e06_last.sum()), len(e06_last), int(e06_first.sum()), len(e06_first),
                                               method="newcomb", compare="diff", alpha=0.05)
    p03 = asked_frame("P03")
    p03_last = p03[p03["wave"] == "annual"]["P03"].astype(float)
    p03_first = p03[p03["wave"] == "exit"]["P03"].astype(float)
    m_low, m_high = st.t.interval(0.95, len(p03_last) - 1, loc=p03_last.mean(), scale=st.sem(p03_last))
    welch = st.ttest_ind(p03_last, p03_first, equal_var=False)
    ci = welch.confidence_interval(0.95)
    compare["scorecard"] = {
        "L08": {"n": len(l08_annual), "estimate": 100 * top / len(l08_annual), "lower": 100 * low, "upper": 100 * high},
        "E06 change": {"estimate": 100 * (e06_last.mean() - e06_first.mean()), "lower": 100 * c_low, "upper": 100 * c_high},
        "P03": {"n": len(p03_last), "estimate": float(p03_last.mean()), "lower": float(m_low), "upper": float(m_high),
                "change": float(p03_last.mean() - p03_first.mean()), "change_lower": float(ci.low), "change_upper": float(ci.high)},
    }

    # Summary intervals of L08: t for the mean, Wilson and Clopper-Pearson for the top-2 share.
    l08 = asked_frame("L08")["L08"].astype(float)
    mean_low, mean_high = st.t.interval(0.95, len(l08) - 1, loc=l08.mean(), scale=st.sem(l08))
    top = int((l08 >= 4).sum())
    w_low, w_high = proportion_confint(top, len(l08), alpha=0.05, method="wilson")
    cp_low, cp_high = proportion_confint(top, len(l08), alpha=0.05, method="beta")
    compare["intervals L08"] = {
        "mean_lower": float(mean_low), "mean_upper": float(mean_high),
        "wilson_lower": 100 * w_low, "wilson_upper": 100 * w_high,
        "cp_lower": 100 * cp_low, "cp_upper": 100 * cp_high,
    }

    # Cronbach's alpha of the learner rating battery, listwise, with pingouin.
    import pingouin
    battery = ["L06", "L08", "L09", "L10", "L14"]
    learners = df[df["role"] == "learner"]
    codes = pd.DataFrame({q: learners[q].astype(float) for q in battery}).dropna()
    alpha, (low, high) = pingouin.cronbach_alpha(data=codes, nan_policy="listwise")
    compare["alpha learner battery"] = {"alpha": float(alpha), "n": int(len(codes))}

    return {
        "generator": "pandas " + pd.__version__,
        "responses": int(len(df)),
        "by_role": {r: int((df["role"] == r).sum()) for r in roles},
        "overall": summarize(df),
        "by_wave": by_wave,
        "compare": compare,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in (("descriptives.json", descriptives()), ("sample_summary.json", sample_summary())):
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.write("\n")
        print("wrote", os.path.join("tests/fixtures/reference", name))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A weighted survey export and the estimates mctrack must give for it, computed independently.

Writes:
  tests/fixtures/weighted/responses.csv   learners of three pilots over three waves, with a
                                          survey weight per response, and project leads with a
                                          numeric answer; blanks and "N/A" among the answers;
  tests/fixtures/reference/weighted.json  the weighted summary (overall) and trend of that file.

The estimates follow the definitions a survey statistician would use without design
information, each computed here with numpy, scipy and statsmodels:
  mean                sum w x / sum w (statsmodels DescrStatsW.mean)
  SD                  sqrt(var_w * n / (n - 1)), var_w = DescrStatsW.var (R survey::svyvar)
  median, quantiles   DescrStatsW.quantile (the smallest value whose cumulative weight reaches
                      p of the total; the mean of two values at an exact tie)
  n_eff               Kish: (sum w)^2 / sum w^2
  mean interval       scipy t on n_eff - 1 degrees of freedom, se = sqrt(var_w / (n_eff - 1))
  share interval      statsmodels proportion_confint(method="wilson") at nobs = n_eff
  median interval     Woodruff: quantiles at 0.5 -/+ z sqrt(0.25 / n_eff)
  change of means     Welch on (n_eff, mean, var_w n_eff / (n_eff - 1)) of each wave
  change of shares    Newcombe's hybrid score from the two Wilson intervals

Run from the repository root:  python3 tests/reference/make_weighted_reference.py
Needs: Python 3.11+, numpy, scipy, statsmodels. The tests read the JSON and need no Python.
"""

import csv
import json
import math
import os

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RNG = np.random.default_rng(20261129)
LEVEL = 0.95
WAVES = ["exit", "followup_3m", "followup_6m"]
L12_OPTIONS = ["online_profile", "resume", "showed_current_employer", "job_application",
               "toward_further_credential", "not_yet"]


def make_rows():
    rows = []
    for pilot, size, bias in (("P01", 70, 0.0), ("P02", 60, 0.4), ("P03", 50, -0.3)):
        for w_index, wave in enumerate(WAVES):
            for i in range(size):
                weight = round(float(RNG.lognormal(0, 0.5)), 4)
                latent = bias + 0.25 * w_index + RNG.normal(0, 1)
                def likert(shift):
                    if RNG.random() < 0.07:
                        return ""
                    if RNG.random() < 0.03:
                        return "N/A"
                    return str(int(np.clip(round(3.4 + latent * 0.8 + shift + RNG.normal(0, 0.7)), 1, 5)))
                l11 = "" if RNG.random() < 0.05 else ("yes" if RNG.random() < 0.55 + 0.1 * w_index else "no")
                chosen = [o for o, p in zip(L12_OPTIONS, (0.5, 0.4, 0.3, 0.2, 0.1, 0.15)) if RNG.random() < p]
                l12 = "" if RNG.random() < 0.08 else ";".join(chosen or ["not_yet"])
                rows.append({"response_id": f"{pilot}-{wave}-{i}", "pilot_id": pilot, "wave": wave,
                             "role": "learner", "weight": f"{weight}", "L06": likert(0.0),
                             "L08": likert(0.3), "L11": l11, "L12": l12, "P02": ""})
    for i in range(24):
        weight = round(float(RNG.lognormal(0, 0.5)), 4)
        p02 = "" if i % 7 == 3 else str(int(RNG.integers(5, 60)))
        rows.append({"response_id": f"lead-{i}", "pilot_id": ["P01", "P02", "P03"][i % 3],
                     "wave": WAVES[i % 3], "role": "project_lead", "weight": f"{weight}",
                     "L06": "", "L08": "", "L11": "", "L12": "", "P02": p02})
    return rows


def wilson(p, n_eff):
    lo, hi = proportion_confint(p * n_eff, n_eff, alpha=1 - LEVEL, method="wilson")
    return float(lo), float(hi)


def weighted(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    d = DescrStatsW(x, weights=w)
    n, n_eff = x.size, float(w.sum() ** 2 / (w ** 2).sum())
    var_w = float(d.var)
    se = math.sqrt(var_w / (n_eff - 1))
    t = stats.t.ppf((1 + LEVEL) / 2, n_eff - 1)
    z = stats.norm.ppf((1 + LEVEL) / 2)
    half = z * math.sqrt(0.25 / n_eff)
    lo_q, med, hi_q = d.quantile([0.5 - half, 0.5, 0.5 + half], return_pandas=False)
    return {"n": n, "n_eff": n_eff, "mean": float(d.mean), "sd": math.sqrt(var_w * n / (n - 1)),
            "median": float(med), "mean_lower": float(d.mean) - t * se, "mean_upper": float(d.mean) + t * se,
            "median_lower": float(lo_q), "median_upper": float(hi_q), "var_w": var_w}


def share(chosen, w):
    chosen, w = np.asarray(chosen, dtype=float), np.asarray(w, dtype=float)
    p = float((chosen * w).sum() / w.sum())
    n_eff = float(w.sum() ** 2 / (w ** 2).sum())
    lo, hi = wilson(p, n_eff)
    return {"percent": 100 * p, "lower": 100 * lo, "upper": 100 * hi, "n_eff": n_eff, "p": p}


def rating(rows, question):
    answered = [r for r in rows if r[question] not in ("", "N/A")]
    x = [int(r[question]) for r in answered]
    w = [float(r["weight"]) for r in answered]
    out = weighted(x, w)
    asked = [r for r in rows if r["role"] == "learner"]
    out["missing"] = len(asked) - len(answered)
    out["unweighted_mean"] = float(np.mean(x))
    total = sum(w)
    out["percents"] = [100 * sum(wi for xi, wi in zip(x, w) if xi == level) / total for level in range(1, 6)]
    top = share([xi >= 4 for xi in x], w)
    out.update(top=top["percent"], top_lower=top["lower"], top_upper=top["upper"],
               bottom=100 * sum(wi for xi, wi in zip(x, w) if xi <= 2) / total)
    return out


def welch(a, b):
    va = a["var_w"] * a["n_eff"] / (a["n_eff"] - 1) / a["n_eff"]
    vb = b["var_w"] * b["n_eff"] / (b["n_eff"] - 1) / b["n_eff"]
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (a["n_eff"] - 1) + vb ** 2 / (b["n_eff"] - 1))
    d = a["mean"] - b["mean"]
    t = stats.t.ppf((1 + LEVEL) / 2, df)
    return {"estimate": d, "lower": d - t * se, "upper": d + t * se}


def newcombe(a, b):
    (l1, u1), (l2, u2) = wilson(a["p"], a["n_eff"]), wilson(b["p"], b["n_eff"])
    d = a["p"] - b["p"]
    return {"estimate": 100 * d,
            "lower": 100 * (d - math.sqrt((a["p"] - l1) ** 2 + (u2 - b["p"]) ** 2)),
            "upper": 100 * (d + math.sqrt((u1 - a["p"]) ** 2 + (b["p"] - l2) ** 2))}


def main():
    rows = make_rows()
    os.makedirs(os.path.join(ROOT, "tests", "fixtures", "weighted"), exist_ok=True)
    with open(os.path.join(ROOT, "tests", "fixtures", "weighted", "responses.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    learners = [r for r in rows if r["role"] == "learner"]
    reference = {"L06": rating(learners, "L06"), "L08": rating(learners, "L08")}
    yes_no = [r for r in learners if r["L11"]]
    reference["L11"] = share([r["L11"] == "yes" for r in yes_no], [float(r["weight"]) for r in yes_no])
    reference["L11"]["n"] = len(yes_no)
    multi = [r for r in learners if r["L12"]]
    reference["L12"] = {o: share([o in r["L12"].split(";") for r in multi], [float(r["weight"]) for r in multi])
                        for o in L12_OPTIONS}
    leads = [r for r in rows if r["role"] == "project_lead" and r["P02"]]
    x = [float(r["P02"]) for r in leads]
    w = [float(r["weight"]) for r in leads]
    p02 = weighted(x, w)
    p02.update(min=min(x), max=max(x), total=float(np.dot(x, w)))
    reference["P02"] = p02
    trend_mean, trend_share = [], []
    for wave in WAVES:
        in_wave = [r for r in learners if r["wave"] == wave and r["L06"] not in ("", "N/A")]
        x = [int(r["L06"]) for r in in_wave]
        w = [float(r["weight"]) for r in in_wave]
        trend_mean.append(weighted(x, w))
        trend_share.append(share([xi >= 4 for xi in x], w))
    reference["trend L06 mean"] = [
        {"wave": wave, "n_eff": m["n_eff"], "estimate": m["mean"], "lower": m["mean_lower"],
         "upper": m["mean_upper"], "change": welch(m, trend_mean[0]) if i else None}
        for i, (wave, m) in enumerate(zip(WAVES, trend_mean))]
    reference["trend L06 share"] = [
        {"wave": wave, "estimate": s["percent"], "lower": s["lower"], "upper": s["upper"],
         "change": newcombe(s, trend_share[0]) if i else None}
        for i, (wave, s) in enumerate(zip(WAVES, trend_share))]
    with open(os.path.join(ROOT, "tests", "fixtures", "reference", "weighted.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

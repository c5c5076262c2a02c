#!/usr/bin/env python3
"""Benchmark harness for issue 7: mctrack's summary against DuckDB, polars and pandas on the
same generated file, with `wc -l` as the read-the-bytes floor. Not a test and not a CI step.

    python3 scripts/bench.py                 # 100k and 1M rows, 5 runs each -> BENCHMARKS.md
    python3 scripts/bench.py --rows 100000 --runs 3 --no-growth

Needs a release build (`cargo build --release`, CARGO_TARGET_DIR honoured), /usr/bin/time
(Debian package `time`) and `pip install duckdb polars pandas`. Every tool is run alternately,
several times; medians of wall time, CPU time (user + sys) and peak RSS are reported. The
peers' results must agree with mctrack's to 1e-9 or the script stops.
"""
import argparse, csv, io, os, platform, re, statistics, subprocess, sys, tempfile, time

LEVELS = 5
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- the job, as each peer's best user would write it ---------------------------------------
def duckdb_sql(path, items, per_column):
    import duckdb
    con = duckdb.connect()
    cols = ", ".join(items)
    if not per_column:
        q = f"""
        WITH long AS (
          SELECT pilot_id, item, value FROM (
            UNPIVOT (SELECT pilot_id, {cols} FROM read_csv('{path}', all_varchar=false))
            ON {cols} INTO NAME item VALUE value))
        SELECT pilot_id, item, count(*) AS n, avg(value) AS mean, stddev_samp(value) AS sd,
               median(value) AS median,
               {", ".join(f"count(*) FILTER (WHERE value = {k}) AS n{k}" for k in range(1, LEVELS + 1))},
               avg(CASE WHEN value >= 4 THEN 1.0 ELSE 0.0 END) AS top2
        FROM long GROUP BY ALL ORDER BY ALL"""
        return con.sql(q).fetchall()
    aggs = []
    for c in items:
        aggs.append(f"count({c}), avg({c}), stddev_samp({c}), median({c}), " +
                    ", ".join(f"count(*) FILTER (WHERE {c} = {k})" for k in range(1, LEVELS + 1)) +
                    f", avg(CASE WHEN {c} >= 4 THEN 1.0 WHEN {c} IS NOT NULL THEN 0.0 END)")
    rows = con.sql(f"SELECT pilot_id, {', '.join(aggs)} FROM read_csv('{path}') GROUP BY pilot_id ORDER BY pilot_id").fetchall()
    out = []
    w = 4 + LEVELS + 1
    for r in rows:
        for i, c in enumerate(items):
            v = r[1 + i * w: 1 + (i + 1) * w]
            out.append((r[0], c, *v))
    return out


def polars_job(path, items, per_column):
    import polars as pl
    lf = pl.scan_csv(path, schema_overrides={c: pl.Int8 for c in items})
    if not per_column:
        df = (lf.select(["pilot_id", *items]).unpivot(index="pilot_id", variable_name="item")
              .drop_nulls("value").group_by("pilot_id", "item")
              .agg(pl.len().alias("n"), pl.col("value").mean().alias("mean"),
                   pl.col("value").std().alias("sd"), pl.col("value").median().alias("median"),
                   *[(pl.col("value") == k).sum().alias(f"n{k}") for k in range(1, LEVELS + 1)],
                   (pl.col("value") >= 4).mean().alias("top2"))
              .sort("pilot_id", "item").collect())
        return df.rows()
    exprs = []
    for c in items:
        v = pl.col(c)
        exprs += [v.count().alias(f"{c}|n"), v.mean().alias(f"{c}|mean"), v.std().alias(f"{c}|sd"),
                  v.median().alias(f"{c}|median"),
                  *[(v == k).sum().alias(f"{c}|n{k}") for k in range(1, LEVELS + 1)],
                  ((v >= 4).sum() / v.count()).alias(f"{c}|top2")]
    df = lf.group_by("pilot_id").agg(exprs).sort("pilot_id").collect()
    out = []
    for row in df.iter_rows(named=True):
        for c in items:
            out.append((row["pilot_id"], c, row[f"{c}|n"], row[f"{c}|mean"], row[f"{c}|sd"], row[f"{c}|median"],
                        *[row[f"{c}|n{k}"] for k in range(1, LEVELS + 1)], row[f"{c}|top2"]))
    return out


def pandas_job(path, items):
    import pandas as pd
    df = pd.read_csv(path, usecols=["pilot_id", *items])
    long = df.melt(id_vars="pilot_id", var_name="item").dropna()
    g = long.groupby(["pilot_id", "item"])["value"]
    res = g.agg(["count", "mean", "std", "median"])
    counts = long.groupby(["pilot_id", "item", "value"]).size().unstack(fill_value=0)
    out = []
    for (p, c), r in res.iterrows():
        k = [int(counts.loc[(p, c)].get(float(l), 0)) for l in range(1, LEVELS + 1)]
        out.append((p, c, int(r["count"]), r["mean"], r["std"], r["median"], *k, (k[3] + k[4]) / r["count"]))
    return out


def run_peer(name, path, out):
    items = [h for h in open(path).readline().strip().split(",") if re.fullmatch(r"Q\d{3}", h)]
    rows = {"duckdb-unpivot": lambda: duckdb_sql(path, items, False),
            "duckdb-per-column": lambda: duckdb_sql(path, items, True),
            "polars-unpivot": lambda: polars_job(path, items, False),
            "polars-per-column": lambda: polars_job(path, items, True),
            "pandas": lambda: pandas_job(path, items)}[name]()
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        for r in rows:
            w.writerow([repr(float(x)) if isinstance(x, float) else x for x in r])


def duckdb_store(db, path, items, job):
    """DuckDB's own store: `create` loads the CSV into a table (CREATE TABLE AS); `unpivot` and
    `per-column` run the job over that table in either form."""
    import duckdb
    con = duckdb.connect(db)
    if job == "create":
        con.sql(f"CREATE TABLE responses AS SELECT * FROM read_csv('{path}')")
        return
    cols = ", ".join(items)
    if job == "unpivot":
        con.sql(f"""
        WITH long AS (SELECT pilot_id, item, value FROM (
            UNPIVOT (SELECT pilot_id, {cols} FROM responses) ON {cols} INTO NAME item VALUE value))
        SELECT pilot_id, item, count(*), avg(value), stddev_samp(value), median(value),
               {", ".join(f"count(*) FILTER (WHERE value = {k})" for k in range(1, LEVELS + 1))},
               avg(CASE WHEN value >= 4 THEN 1.0 ELSE 0.0 END)
        FROM long GROUP BY ALL ORDER BY ALL""").fetchall()
        return
    aggs = []
    for c in items:
        aggs.append(f"count({c}), avg({c}), stddev_samp({c}), median({c}), " +
                    ", ".join(f"count(*) FILTER (WHERE {c} = {k})" for k in range(1, LEVELS + 1)) +
                    f", avg(CASE WHEN {c} >= 4 THEN 1.0 WHEN {c} IS NOT NULL THEN 0.0 END)")
    con.sql(f"SELECT pilot_id, {', '.join(aggs)} FROM responses GROUP BY pilot_id ORDER BY pilot_id").fetchall()


# --- mctrack's output, read back for the agreement check -----------------------------------
def mctrack_rows(text):
    out = {}
    header = None
    for line in text.splitlines():
        if line.startswith("Pilot,Question,Base n"):
            header = line.split(",")
            continue
        if not line or line.startswith("#"):
            header = None if not line else header
            continue
        if header and line.startswith("P"):
            r = dict(zip(header, next(csv.reader([line]))))
            if r["Base n"] == "s":
                continue
            out[(r["Pilot"], r["Question"])] = (int(r["Base n"]), float(r["Mean"]), float(r["SD"]), float(r["Median"]),
                                                *[int(r[f"n {k}"]) for k in range(1, LEVELS + 1)], float(r["Top-2 %"]) / 100)
    return out


def check_agreement(mine, peer_file, name):
    seen = 0
    for row in csv.reader(open(peer_file)):
        key = (row[0], row[1])
        vals = [float(x) for x in row[2:]]
        ref = mine[key]
        for a, b in zip(ref, vals):
            if abs(a - b) > 1e-9:
                sys.exit(f"{name} disagrees with mctrack on {key}: {ref} vs {vals}")
        seen += 1
    if seen != len(mine):
        sys.exit(f"{name} gave {seen} pilot x item rows, mctrack {len(mine)}")


# --- timing ------------------------------------------------------------------------------
def timed(cmd, stdout=subprocess.DEVNULL, cwd=None):
    start = time.perf_counter()  # /usr/bin/time's wall clock has 10 ms steps
    r = subprocess.run(["/usr/bin/time", "-v", *cmd], stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=cwd)
    secs = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    err = r.stderr
    def field(name):
        return re.search(re.escape(name) + r": (.*)", err).group(1).strip()
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    return secs, cpu, rss, r.stdout


def bench(commands, runs, repeats=None, rounds=None):
    """commands: name -> argv, or (argv, cwd, setup) where setup() runs untimed before each run.
    repeats: name -> runs of it in each round (1 if not named): more for commands of a fraction
    of a second, which a second of the shared machine's noise would otherwise decide.
    rounds: filled with name -> each round's median wall time, for ratios within a round."""
    results = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():  # alternate: one round of each, then again
            cmd, cwd, setup = cmd if isinstance(cmd, tuple) else (cmd, None, None)
            walls = []
            for _ in range((repeats or {}).get(name, 1)):
                if setup:
                    setup()
                results[name].append(timed(cmd, cwd=cwd)[:3])
                walls.append(results[name][-1][0])
            if rounds is not None:
                rounds.setdefault(name, []).append(statistics.median(walls))
    return {n: tuple(statistics.median(x[i] for x in v) for i in range(3)) for n, v in results.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-growth", action="store_true")
    ap.add_argument("--store", action=argparse.BooleanOptionalAction, default=True,
                    help="also time import and the summary from the store against DuckDB's own table")
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "mctrack-bench"))
    args = ap.parse_args()
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    mct = os.path.join(target, "release", "mctrack")
    os.makedirs(args.dir, exist_ok=True)
    me = os.path.abspath(__file__)
    model = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next((l.split(":", 1)[1].strip() for l in model.splitlines() if l.startswith("Model name")), "")
    report = [f"# Benchmarks (issue 7)\n\nRegenerate: `cargo build --release && python3 scripts/bench.py` "
              f"(writes this file).\n\nMachine: {platform.processor() or platform.machine()}, "
              f"{os.cpu_count()} cores, {platform.system()} {platform.release()}; "
              f"{model}. "
              "The machine is a shared virtual machine, so absolute times are noisy; each figure is "
              f"the median of {args.runs} runs, tools run alternately.\n"]

    def gen(rows, items):
        path = os.path.join(args.dir, f"r{rows}_i{items}.csv")
        if not os.path.exists(path):
            subprocess.run([mct, "sample", "--rows", str(rows), "--items", str(items), "--seed", "7", "-o", path],
                           check=True, stdout=subprocess.DEVNULL)
        return path, path[:-4] + ".codebook.toml"

    for rows in args.rows:
        path, cb = gen(rows, 40)
        summary = [mct, "--codebook", cb, "summary", path, "--by", "pilot", "--format", "csv"]
        mine = mctrack_rows(timed(summary, stdout=subprocess.PIPE)[3])
        peers = ["duckdb-unpivot", "duckdb-per-column", "polars-unpivot", "polars-per-column", "pandas"]
        for p in peers:
            out = os.path.join(args.dir, f"{p}.csv")
            subprocess.run([sys.executable, me, "--peer", p, path, out], check=True)
            check_agreement(mine, out, p)
        cmds = {"wc -l": ["wc", "-l", path], "mctrack summary --by pilot": summary}
        for p in peers:
            cmds[p] = [sys.executable, me, "--peer", p, path, os.devnull]
        rounds = {}
        quick = {"wc -l": 3, "mctrack summary --by pilot": 3}
        # `wc -l` and mctrack alone first: right after a peer has used gigabytes, `wc -l` ran
        # up to half again slower, which flattered the ratio against it.
        floor_rounds = {}
        floor = bench({n: cmds[n] for n in quick}, 4 * args.runs, repeats=quick, rounds=floor_rounds)
        floor_ratio = statistics.median(
            m / w for m, w in zip(floor_rounds["mctrack summary --by pilot"], floor_rounds["wc -l"]))
        res = bench(cmds, args.runs, repeats=quick, rounds=rounds)
        fastest = min((res[p][0], p) for p in peers)
        mine_rounds = rounds["mctrack summary --by pilot"]

        def paired(other):
            return statistics.median(m / o for m, o in zip(mine_rounds, rounds[other]))
        size = os.path.getsize(path) / 2**20
        report.append(f"\n## {rows:,} rows, 40 items ({size:.0f} MiB)\n\nAll peers agreed with mctrack to 1e-9 on "
                      f"{len(mine)} pilot x item rows (n, mean, sd, median, count per level, top-2 share).\n\n"
                      "| tool | wall s | CPU s | peak MiB | wall / mctrack | mctrack / tool |\n|---|---|---|---|---|---|")
        m = res["mctrack summary --by pilot"][0]
        for name, (w, c, r) in res.items():
            report.append(f"| {name} | {w:.3f} | {c:.2f} | {r:.0f} | {w / m:.1f}x | {m / w:.3f} |")
        report.append(f"\nFastest peer: {fastest[1]} ({fastest[0]:.2f} s). mctrack / fastest peer = "
                      f"**{m / fastest[0]:.3f}** (target <= 0.1); mctrack / `wc -l` = **{m / res['wc -l'][0]:.1f}** "
                      f"(target <= 6); mctrack peak memory **{res['mctrack summary --by pilot'][2]:.0f} MiB** (target <= 64).\n\n"
                      f"`wc -l` and mctrack ran {quick['wc -l']} times in each of the {args.runs} rounds (medians of all their runs above). "
                      f"Within a round, where the machine's load was the same for both: median mctrack / `wc -l` = "
                      f"**{paired('wc -l'):.1f}**, median mctrack / {fastest[1]} = **{paired(fastest[1]):.3f}**.\n\n"
                      f"`wc -l` and mctrack alone, before the peers ({4 * args.runs} rounds of 3 runs each): `wc -l` "
                      f"{floor['wc -l'][0]:.3f} s, mctrack {floor['mctrack summary --by pilot'][0]:.3f} s; median "
                      f"mctrack / `wc -l` within a round = **{floor_ratio:.1f}** (target <= 6).\n")
        print("\n".join(report[-len(res) - 4:]), flush=True)

    if args.store:
        rows = max(args.rows)
        path, cb = gen(rows, 40)
        items = [h for h in open(path).readline().strip().split(",") if re.fullmatch(r"Q\d{3}", h)]
        ws = os.path.join(args.dir, "workspace")
        db = os.path.join(args.dir, "duck.db")
        if not os.path.exists(os.path.join(ws, "mctrack.toml")):
            os.makedirs(ws, exist_ok=True)
            subprocess.run([mct, "init"], cwd=ws, check=True, stdout=subprocess.DEVNULL)

        def fresh_store():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(os.path.join(ws, "mctrack.db" + suffix)):
                    os.remove(os.path.join(ws, "mctrack.db" + suffix))

        def fresh_duck():
            for suffix in ("", ".wal"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
        imports = bench({
            "mctrack import": ([mct, "--codebook", cb, "import", path], ws, fresh_store),
            "duckdb CREATE TABLE AS read_csv": ([sys.executable, me, "--duck", db, path, "create"], None, fresh_duck),
        }, args.runs)
        stored = [mct, "--codebook", cb, "summary", "--by", "pilot", "--format", "csv"]
        check = timed(stored, stdout=subprocess.PIPE, cwd=ws)[3]
        of_file = [mct, "--codebook", cb, "summary", path, "--by", "pilot", "--format", "csv"]
        if mctrack_rows(check) != mctrack_rows(timed(of_file, stdout=subprocess.PIPE)[3]):
            sys.exit("the summary from the store differs from the summary of the file")
        queries = bench({
            "mctrack summary --by pilot (store)": (stored, ws, None),
            "mctrack summary --by pilot (store, rows read back)": (stored + ["--in-memory"], ws, None),
            "duckdb UNPIVOT query over its table": ([sys.executable, me, "--duck", db, path, "unpivot"], None, None),
            "duckdb per-column query over its table": ([sys.executable, me, "--duck", db, path, "per-column"], None, None),
        }, args.runs)
        report.append(f"\n## The store, {rows:,} rows\n\nThe summary from the store agreed with the summary of the file.\n\n"
                      "| job | tool | wall s | CPU s | peak MiB |\n|---|---|---|---|---|")
        for job, res in (("import", imports), ("summary", queries)):
            for name, (w, c, r) in res.items():
                report.append(f"| {job} | {name} | {w:.3f} | {c:.2f} | {r:.0f} |")
        mi, di = imports["mctrack import"][0], imports["duckdb CREATE TABLE AS read_csv"][0]
        ms = queries["mctrack summary --by pilot (store)"][0]
        ds = min(queries[k][0] for k in queries if k.startswith("duckdb"))
        report.append(f"\nImport / DuckDB CREATE TABLE AS = **{mi / di:.2f}** (target <= 0.5); "
                      f"summary from the store / DuckDB's faster query over its table = **{ms / ds:.3f}** (target <= 0.25).\n")
        print("\n".join(report[-9:]), flush=True)

    if not args.no_growth:
        report.append("\n## Growth (mctrack summary --by pilot)\n\n| rows | items | MiB | wall s | CPU s | peak MiB | s per million cells |\n|---|---|---|---|---|---|---|")
        for rows, items in [(10_000, 40), (100_000, 40), (1_000_000, 40), (100_000, 10), (100_000, 160)]:
            path, cb = gen(rows, items)
            w, c, r = bench({"m": [mct, "--codebook", cb, "summary", path, "--by", "pilot", "--format", "csv"]}, args.runs)["m"]
            report.append(f"| {rows:,} | {items} | {os.path.getsize(path) / 2**20:.0f} | {w:.3f} | {c:.2f} | {r:.0f} | {w / (rows * items) * 1e6:.3f} |")
            print(report[-1], flush=True)
    with open(args.out + ".measured", "w") as f:  # the analysis in BENCHMARKS.md is by hand
        f.write("\n".join(report) + "\n")
    print(f"wrote {args.out}.measured (merge into BENCHMARKS.md with the analysis)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--peer":
        run_peer(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) > 1 and sys.argv[1] == "--duck":
        db, path, job = sys.argv[2:5]
        duckdb_store(db, path, [h for h in open(path).readline().strip().split(",") if re.fullmatch(r"Q\d{3}", h)], job)
    else:
        main()

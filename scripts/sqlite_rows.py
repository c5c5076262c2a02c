"""How long SQLite itself takes to store survey responses one row each, as mctrack's store did
before it kept responses in blocks (src/store/blocks.rs).

Inserts 200,000 rows of 49 columns (ids, pilot, wave, role, two comments, a select-all answer
and 40 ratings) in one transaction in WAL mode with `executemany`, without and then with the
unique (pilot_id, wave, respondent_id) index; then the same rows with the 40 ratings packed
into one text column (the layout a `responses` view could unpack with `substr`). Python's
binding is included, so this is an upper bound on SQLite's share; BENCHMARKS.md uses it to
show why a row per response, packed or not, could not meet the import target.
Usage: python3 scripts/sqlite_rows.py [DIR]
"""
import os
import random
import sqlite3
import sys
import tempfile
import time

ROWS = 200_000
ITEMS = 40


def main():
    path = os.path.join(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(), "rows.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    items = [f"q{i}" for i in range(ITEMS)]
    db.execute("CREATE TABLE responses (id INTEGER PRIMARY KEY, import_id INTEGER, source_row INTEGER, "
               "respondent_id TEXT, pilot_id TEXT, wave TEXT, role TEXT, comment_1 TEXT, comment_2 TEXT, "
               "supports TEXT, " + ", ".join(f"{q} INTEGER" for q in items) + ")")
    rng = random.Random(7)
    rows = [(1, i, f"R{i:08}", f"P{rng.randrange(1, 37):02}", f"w{rng.randrange(1, 9)}", "learner",
             "Instructor was great; Badge shared on LinkedIn", "Hard to fit around shifts, but worth it",
             "employer_paid") + tuple(rng.choice((1, 2, 3, 4, 5, None)) for _ in items)
            for i in range(ROWS)]
    columns = "import_id, source_row, respondent_id, pilot_id, wave, role, comment_1, comment_2, supports, " + ", ".join(items)
    insert = f"INSERT INTO responses ({columns}) VALUES ({', '.join('?' * (9 + ITEMS))})"
    time_inserts(db, "responses", insert, rows, "")
    db.execute("CREATE TABLE packed (id INTEGER PRIMARY KEY, import_id INTEGER, source_row INTEGER, "
               "respondent_id TEXT, pilot_id TEXT, wave TEXT, role TEXT, comment_1 TEXT, comment_2 TEXT, "
               "supports TEXT, ratings TEXT)")
    packed = [row[:9] + ("".join(" " if r is None else str(r) for r in row[9:]),) for row in rows]
    insert = f"INSERT INTO packed ({columns.split(', q0')[0]}, ratings) VALUES ({', '.join('?' * 10)})"
    time_inserts(db, "packed", insert, packed, ", the ratings in one column")


def time_inserts(db, table, insert, rows, layout):
    for label in ("without the unique index", "with the unique index"):
        if label.startswith("with "):
            db.execute(f"DELETE FROM {table}")
            db.execute(f"CREATE UNIQUE INDEX {table}_key ON {table} (pilot_id, wave, respondent_id)")
        start = time.perf_counter()
        db.execute("BEGIN")
        db.executemany(insert, rows)
        db.execute("COMMIT")
        print(f"{len(rows):,} rows{layout} {label}: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()

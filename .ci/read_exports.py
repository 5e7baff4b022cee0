"""Reads the researchers' exports that the test suite saved (target/exports/)
with readers other than Headroom's own: the Parquet file with pyarrow, the
CSV with Python's csv module. Both must hold the GraphQL answer saved
beside them, suppressed figures as null (or empty) beside true."""

import csv
import json
import pathlib
import sys

import pyarrow.parquet as pq

folder = pathlib.Path(__file__).resolve().parent.parent / "target" / "exports"
answer = json.loads((folder / "analytics.json").read_text())["data"]["analytics"]

expected = {}
for cell in answer["cells"]:
    keys = tuple(k["value"] for k in cell["keys"])
    for f in cell["figures"]:
        expected[(keys, f["measure"].lower())] = (f["value"], f["suppressed"])
dimensions = len(answer["cells"][0]["keys"]) if answer["cells"] else 0


def rows(records, columns):
    out = {}
    for record in records:
        keys = tuple(record[columns[2 * d]] for d in range(dimensions))
        for i in range(2 * dimensions, len(columns), 2):
            value = record[columns[i]]
            if value in ("", None):
                value = None
            else:
                value = float(value)
            suppressed = record[columns[i + 1]] in (True, "true")
            out[(keys, columns[i])] = (value, suppressed)
    return out


table = pq.read_table(folder / "analytics.parquet")
from_parquet = rows(table.to_pylist(), table.column_names)
with open(folder / "analytics.csv", newline="", encoding="utf-8") as f:
    reader = csv.DictReader(f)
    from_csv = rows(list(reader), reader.fieldnames)

for name, got in (("Parquet (pyarrow)", from_parquet), ("CSV (csv module)", from_csv)):
    if got != expected:
        missing = set(expected) ^ set(got)
        wrong = [k for k in expected if k in got and got[k] != expected[k]]
        print(f"{name} differs from the GraphQL answer: {sorted(missing)[:5]} {wrong[:5]}", file=sys.stderr)
        sys.exit(1)
print(f"exports read back: {len(expected)} figures, {sum(s for _, s in expected.values())} suppressed, equal in Parquet, CSV and GraphQL")

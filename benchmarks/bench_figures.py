"""Reading and judging reported figures: office sheets against a plain CSV reader.

Generates (seeded) two files of figures for the shipped rulebook:

- a long UTF-8 CSV of 10,000 rows (year, district, measure, value);
- a wide ``.xlsx`` of 500 rows by 40 columns (year, measure, then a column per
  district), with a title row above the header;

then times, interleaved, reading each with `qrules.read_dataset` and judging
every rule on it (`Rulebook.evaluate`), beside a baseline measured in the
same run: for the CSV, the plain reader qrules had before it read office
sheets (`csv.DictReader`, each value through `parse_value`, the same
`Dataset`), then the same judging; for the ``.xlsx``, openpyxl reading the
sheet's cells alone (no judging). Prints medians and ratios; stops with an
error, before timing, when the two readings of the CSV differ. Asserts
nothing: a benchmark is not a test.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import openpyxl

import qrules
from qrules import Dataset, Observation, parse_value

DISTRICTS = [
    "芝罘区",
    "福山区",
    "牟平区",
    "莱山区",
    "蓬莱区",
    "龙口市",
    "莱阳市",
    "莱州市",
    "招远市",
    "栖霞市",
    "海阳市",
    "开发区",
    "高新区",
    "昆嵛山",
    "长岛",
]


def value_of(rulebook: qrules.Rulebook, measure: str, rng: random.Random) -> str:
    """A plausible value, within the measure's bounds (a percentage at most 100)."""
    found = rulebook.measures[measure]
    unit = found.unit
    high = 500 if found.upper is None else min(500, int(found.upper))
    if unit.id == "percent":
        return f"{rng.randint(900, 1000) / 10}"
    if unit.integer:
        return str(rng.randint(0, high))
    return f"{rng.randint(0, high * 10) / 10}"


def consistent(rulebook: qrules.Rulebook, figures: dict[str, str]) -> None:
    """Each figure within the measures' relations: no more than what it is part of
    (passed samples at most those tested), so that none is refused."""
    for _ in range(3):  # a chain of relations settles in a few passes
        for measure in rulebook.measures.values():
            for whole in measure.at_most:
                if (
                    measure.id in figures
                    and whole in figures
                    and Fraction(figures[measure.id]) > Fraction(figures[whole])
                ):
                    figures[measure.id], figures[whole] = figures[whole], figures[measure.id]


def long_csv(rulebook: qrules.Rulebook, path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    measures = list(rulebook.measures)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["year", "district", "measure", "value"])
        written = 0
        for district in ["", *DISTRICTS, *(f"区{i}" for i in range(100))]:
            for year in (2023, 2024, 2025):
                figures = {m: value_of(rulebook, m, rng) for m in measures}
                consistent(rulebook, figures)
                for measure in measures:
                    if written == rows:
                        return
                    writer.writerow([year, district, measure, figures[measure]])
                    written += 1


def wide_xlsx(rulebook: qrules.Rulebook, path: Path, rows: int, columns: int, seed: int) -> None:
    rng = random.Random(seed)
    districts = (DISTRICTS * 3)[: columns - 2]
    districts = [f"{d}{i // len(DISTRICTS) or ''}" for i, d in enumerate(districts)]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["烟台市各区市指标完成情况表"])
    sheet.append(["year", "measure", *districts])
    measures = list(rulebook.measures)
    written = 0
    for year in range(2019, 2026):
        per_district = []
        for _ in districts:
            figures = {m: value_of(rulebook, m, rng) for m in measures}
            consistent(rulebook, figures)
            per_district.append(figures)
        for measure in measures:
            if written == rows:
                book.save(path)
                return
            sheet.append(
                [
                    year,
                    rulebook.measures[measure].name.zh,
                    *(
                        float(f[measure]) if "." in f[measure] else int(f[measure])
                        for f in per_district
                    ),
                ]
            )
            written += 1
    book.save(path)


def plain_csv(path: Path, rulebook: qrules.Rulebook) -> Dataset:
    """The reader qrules had for long UTF-8 CSV files, without its checks of
    columns and repeats: the floor any reader of the same file stands on."""
    observations = []
    with path.open(encoding="utf-8-sig", newline="") as file:
        for number, row in enumerate(csv.DictReader(file), start=2):
            measure = rulebook.measures[row["measure"]]
            observations.append(
                Observation(
                    measure.id,
                    int(row["year"]),
                    parse_value(row["value"], measure.unit),
                    row["district"] or None,
                    f"{path.name}: row {number}",
                )
            )
    return Dataset(path.name, tuple(observations))


def cells_only(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for row in book.worksheets[0].iter_rows(values_only=True) for _ in row)
    book.close()
    return count


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds: on a machine shared with other work, the CPU
    time is what the reading itself costs."""
    start, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--wide", default="500x40", help="the .xlsx's ROWSxCOLUMNS")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rulebook = qrules.load("yantai-2023-2025")
    wide_rows, wide_columns = (int(n) for n in args.wide.split("x"))
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "figures.csv"
        xlsx_path = Path(folder) / "figures.xlsx"
        long_csv(rulebook, csv_path, args.rows, args.seed)
        wide_xlsx(rulebook, xlsx_path, wide_rows, wide_columns, args.seed)
        read = qrules.read_dataset(csv_path, rulebook)
        plain = plain_csv(csv_path, rulebook)
        if read.observations != plain.observations:
            raise SystemExit("the two readings of the CSV differ")
        wide = qrules.read_dataset(xlsx_path, rulebook)
        results = len(rulebook.evaluate(read))
        print(
            f"long CSV: {read.rows_read:,} rows, {results:,} results; wide .xlsx: "
            f"{wide_rows} rows x {wide_columns} columns, {wide.rows_read:,} cells, "
            f"{len(rulebook.evaluate(wide)):,} results; same readings of the CSV: yes"
        )
        times: dict[str, list[tuple[float, float]]] = {
            k: [] for k in ("csv", "plain", "xlsx", "cells", "judge")
        }
        for _ in range(args.repeat):
            times["csv"].append(
                timed(lambda: rulebook.evaluate(qrules.read_dataset(csv_path, rulebook)))
            )
            times["plain"].append(timed(lambda: rulebook.evaluate(plain_csv(csv_path, rulebook))))
            times["xlsx"].append(
                timed(lambda: rulebook.evaluate(qrules.read_dataset(xlsx_path, rulebook)))
            )
            times["cells"].append(timed(lambda: cells_only(xlsx_path)))
            times["judge"].append(timed(lambda: rulebook.evaluate(read)))
    for clock, index in (("wall-clock", 0), ("CPU", 1)):
        median = {k: statistics.median(t[index] for t in v) for k, v in times.items()}
        print(f"{clock} time, medians of {args.repeat}:")
        print(
            f"  long CSV read and judged: qrules {median['csv']:.3f} s; plain CSV reader "
            f"{median['plain']:.3f} s; ratio {median['csv'] / median['plain']:.2f} "
            f"(judging alone {median['judge']:.3f} s)"
        )
        print(
            f"  wide .xlsx read and judged: qrules {median['xlsx']:.3f} s; openpyxl "
            f"reading its cells alone {median['cells']:.3f} s; ratio "
            f"{median['xlsx'] / median['cells']:.2f}"
        )


if __name__ == "__main__":
    main()

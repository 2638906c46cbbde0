"""What reading an ``.xlsx`` sheet's merged ranges and hidden rows costs.

Writes a register of ``--units`` rows (openpyxl's write-only mode, then its
``district`` and ``category`` cells merged down over groups of ``--group``
rows, and every ``--hide``-th row hidden, by editing the sheet's XML), then
times, alternated, each in its own process (``/usr/bin/time``: wall, CPU,
peak resident memory):

- ``read``: ``qrules.read_register`` as it is (the sheet's XML scanned for
  its merged ranges and hidden rows and columns, `qrules._xlsx`, then the
  rows streamed by openpyxl's read-only reader, the merged cells filled);
- ``unscanned``: the same with the scan turned off (`sheet_layout` giving an
  empty layout): the reading before merged cells were read;
- ``scan``: the scan alone;
- ``full``: openpyxl's non-read-only reader, which gives the merged ranges and
  hidden rows itself but builds the whole sheet in memory (``--no-full``
  leaves it out).

Prints medians, ratios to ``unscanned`` and each process's peak memory.
Asserts nothing: a benchmark is not a test.

    python benchmarks/bench_xlsx.py --units 100000 --group 20 --repeat 3
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

_CODE = {
    "read": "import qrules; r = qrules.read_register({path!r}); assert len(r.units) == {units}",
    "unscanned": (
        "import qrules, qrules._tabular as t, qrules._xlsx as x; "
        "t.sheet_layout = lambda *a: x.SheetLayout(); "
        "r = qrules.read_register({path!r})"
    ),
    "scan": "import qrules._xlsx as x; x.sheet_layout({path!r}, 'r', 'register')",
    "full": (
        "import openpyxl; b = openpyxl.load_workbook({path!r}); s = b['register']; "
        "m = list(s.merged_cells.ranges); h = [r for r, d in s.row_dimensions.items() if d.hidden]"
    ),
}


def write(path: Path, units: int, group: int, hide: int) -> None:
    import openpyxl  # noqa: PLC0415 (a benchmark's own dependency)

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("register")
    sheet.append(["unit", "name", "district", "category", "risk_level", "registered", "closed"])
    districts = ["芝罘区", "福山区", "莱山区", "牟平区"]
    for i in range(units):
        first = i % group == 0
        sheet.append(
            [
                f"U{i:07d}",
                f"单位{i}",
                districts[(i // group) % 4] if first else None,
                "catering" if first else None,
                ("low", "medium", "high")[i % 3],
                "2020-01-01",
                None,
            ]
        )
    book.save(path)
    merges = "".join(
        f'<mergeCell ref="{c}{top}:{c}{min(top + group - 1, units + 1)}"/>'
        for top in range(2, units + 2, group)
        for c in "CD"
        if group > 1
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    if hide:
        xml = re.sub(
            r'<row r="(\d+)"',
            lambda m: m.group(0) + (' hidden="1"' if int(m.group(1)) % hide == 0 else ""),
            xml,
        )
    if merges:
        xml = xml.replace(
            "</sheetData>",
            f'</sheetData><mergeCells count="{merges.count("<")}">{merges}</mergeCells>',
        )
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def run(code: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds, peak resident KiB of a fresh process."""
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M %U %S", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{code}\n{done.stderr}")
    wall, peak, user, system = done.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--group", type=int, default=20, help="rows merged together (1: none)")
    parser.add_argument("--hide", type=int, default=50, help="every Nth row hidden (0: none)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-full", action="store_true")
    args = parser.parse_args()
    contenders = [c for c in _CODE if not (args.no_full and c == "full")]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        write(path, args.units, args.group, args.hide)
        print(f"{path.stat().st_size / 2**20:.1f} MiB, {args.units} rows, groups of {args.group}")
        times: dict[str, list[tuple[float, float, int]]] = {c: [] for c in contenders}
        for _ in range(args.repeat):
            for contender in contenders:
                code = _CODE[contender].format(path=str(path), units=args.units)
                times[contender].append(run(code))
    base = statistics.median(t[1] for t in times["unscanned"])
    print(f"{'':10} {'wall s':>8} {'cpu s':>8} {'cpu ratio':>9} {'peak MiB':>9}")
    for contender, found in times.items():
        wall = statistics.median(t[0] for t in found)
        cpu = statistics.median(t[1] for t in found)
        peak = max(t[2] for t in found) / 1024
        print(f"{contender:10} {wall:8.2f} {cpu:8.2f} {cpu / base:9.2f} {peak:9.0f}")


if __name__ == "__main__":
    main()

"""The counting query's result read column by column (`Fetched.arrow`) is the
result read row by row (`Fetched.of`): the same counts, the same failing units'
columns, districts missing or repeated, over several chunks."""

from __future__ import annotations

import pytest

from qrules.engines.sql import Fetched

pyarrow = pytest.importorskip("pyarrow")

_NAMES = ["part", "spec", "w", "unit", "name", "district", "short", "total", "meeting"]
_ROWS = [
    (0, 0, 0, None, None, None, None, 5, 2),
    (0, 1, 0, None, None, None, None, 3, 2),
    (2, 0, 0, "U1", "一", "芝罘区", 1, None, None),
    (2, 0, 0, "U2", "二", None, 2, None, None),
    (2, 0, 0, "U3", "三", "芝罘区", 1, None, None),
    (2, 1, 0, "U4", "四", "福山区", 1, None, None),
]


@pytest.mark.parametrize("cut", [1, 3, 4, 5])
def test_arrow_columns_are_the_rows(cut: int) -> None:
    batches = [_ROWS[:cut], _ROWS[cut:]]
    table = pyarrow.Table.from_batches(
        [
            pyarrow.RecordBatch.from_pylist(
                [dict(zip(_NAMES, row, strict=True)) for row in rows],
                schema=pyarrow.schema(
                    [(n, pyarrow.int32()) for n in _NAMES[:3]]
                    + [(n, pyarrow.string()) for n in _NAMES[3:6]]
                    + [(n, pyarrow.int64()) for n in _NAMES[6:]]
                ),
            )
            for rows in batches
        ]
    )
    assert table.column("district").num_chunks == 2
    by_columns, by_rows = Fetched.arrow(table), Fetched.of(list(_ROWS))
    assert [tuple(r) for r in by_columns.head] == [tuple(r) for r in by_rows.head]
    assert [list(c) for c in by_columns.failing] == [list(c) for c in by_rows.failing]
    assert list(by_columns.failing[5]) == ["芝罘区", None, "芝罘区", "福山区"]
    # A result's run, sliced when its failing units are read, across chunks.
    for looked, rows in zip(by_columns.failing, by_rows.failing, strict=True):
        for start in range(len(rows) + 1):
            for stop in range(start, len(rows) + 2):
                assert looked[start:stop] == list(rows[start:stop])
        assert looked[::2] == list(rows[::2])
    assert [tuple(r) for r in by_columns] == _ROWS
    # The part, spec and window columns are looked at a value at a time.
    for looked, rows in zip(by_columns.failing[:3], by_rows.failing[:3], strict=True):
        assert len(looked) == len(rows)
        assert [looked[i] for i in range(-len(rows), len(rows))] == [*rows, *rows]
        assert looked[1:3] == list(rows[1:3])

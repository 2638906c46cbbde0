"""Records: registers and inspection logs, read, planned and counted.

Internal: users import the public names from `qrules` (`read_register`,
`read_log`, `Register`, `InspectionLog`, `ColumnMapping`, `evaluate_records`).
Its modules have no underscore (the package as a whole is internal, as
``docs/architecture.md`` says); each says by its name what it holds: `read`
(the readers and the mapping file), `plan` (which rows each rule counts:
`RecordQuery`, `record_queries`), `judge` (counts to results: `Counts`,
`judge_counts`), `doubts` (rows read as unknown, and judging with them),
`prepare` (records ready for any engine: doubtful dates out, the rejected rows
as `Doubts`), `cli` (the command line's records options). An engine author
needs `plan` and `judge` only (see docs/records.md); the engines themselves
are in `qrules.engines`.
"""

__all__ = ["ENGINES"]

#: The engines that count records, by name (`qrules.engines`): here, so that
#: the command line names them without importing the engines.
ENGINES = ("reference", "duckdb", "postgres", "spark")

"""Records: registers and inspection logs, read, planned and counted.

Internal: users import the public names from `qrules` (`read_register`,
`read_log`, `Register`, `InspectionLog`, `ColumnMapping`, `evaluate_records`).
Each module says by its name what it holds: `read` (the readers and the
mapping file), `plan` (which rows each rule counts: `RecordQuery`,
`record_queries`), `judge` (counts to results: `Counts`, `judge_counts`),
`doubts` (rows read as unknown, and judging with them), `cli` (the command
line's records options). An engine author needs `plan` and `judge` only (see
docs/engines.md); the engines themselves are in `qrules.engines`.
"""

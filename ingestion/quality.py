"""Great Expectations gates: run the JSON suites in ``expectations/`` on pandas DataFrames.

Each ``expectations/<gate>/<table>.json`` is a GX ExpectationSuite (GX's own JSON form) that
validates the DataFrame of the same name. GX runs on DataFrames read from DuckDB because its SQL
datasource fails every expectation on DuckDB (measured; see docs/architecture.md).
Expectations of severity ``critical`` (GX's default) block the gate; ``warning`` ones are
recorded and reported only. Suites may reference run-time parameters as
``{"$PARAMETER": "logical_date"}`` (the night; the suites' name for it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ingestion.errors import DataRejected

if TYPE_CHECKING:
    import duckdb

MAX_ROWS_IN_MESSAGE = 5


@dataclass(frozen=True)
class ExpectationFailure:
    """One failed expectation, with the rows that broke it (as far as GX reports them)."""

    table: str
    expectation: str
    kwargs: dict[str, Any]
    severity: str
    unexpected_count: int | None
    examples: list[Any]

    def describe(self) -> str:
        """One line: which expectation failed on which rows."""
        shown_kwargs = {k: v for k, v in self.kwargs.items() if k not in {"batch_id"}}
        count = f" on {self.unexpected_count} row(s)" if self.unexpected_count else ""
        rows = f"; e.g. {self.examples[:MAX_ROWS_IN_MESSAGE]}" if self.examples else ""
        return f"[{self.table}] {self.expectation}({shown_kwargs}) failed{count}{rows}"


@dataclass
class GateResult:
    """Outcome of one gate (all suites of one folder) on one set of DataFrames."""

    gate: str
    success: bool
    failures: list[ExpectationFailure] = field(default_factory=list)
    warnings: list[ExpectationFailure] = field(default_factory=list)
    evaluated: int = 0
    results_json: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """Human-readable summary used in logs, exceptions and the load row."""
        head = (
            f"{self.gate}: {self.evaluated} expectations, {len(self.failures)} failed, "
            f"{len(self.warnings)} warning(s)"
        )
        lines = [head] + [f"  FAIL {f.describe()}" for f in self.failures]
        lines += [f"  WARN {w.describe()}" for w in self.warnings]
        return "\n".join(lines)


def run_gate(
    suites_dir: Path,
    frames: dict[str, pd.DataFrame],
    parameters: dict[str, Any] | None = None,
) -> GateResult:
    """Validate each DataFrame with the suite of the same name in ``suites_dir``.

    A suite without a frame, or a frame without a suite, is an error: the gate must never
    silently check less than it says.
    """
    import great_expectations as gx  # heavy import: only when a gate actually runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    suite_files = {p.stem: p for p in sorted(suites_dir.glob("*.json"))}
    if set(suite_files) != set(frames):
        raise ValueError(
            f"gate {suites_dir.name}: suites {sorted(suite_files)} do not match "
            f"tables {sorted(frames)}"
        )
    context = gx.get_context(mode="ephemeral")
    # GX's progress bars would flood task logs with carriage-return lines.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_pandas(f"{suites_dir.name}_frames")
    result = GateResult(gate=suites_dir.name, success=True)
    for table, path in suite_files.items():
        spec = json.loads(path.read_text(encoding="utf-8"))
        id_columns = spec.get("meta", {}).get("id_columns", [])
        suite = context.suites.add(
            gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"],
                                meta=spec.get("meta", {}))
        )
        batch = datasource.add_dataframe_asset(table).add_batch_definition_whole_dataframe(table)
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{suites_dir.name}.{table}", data=batch, suite=suite)
        )
        frame = frames[table]
        run = validation.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters or {},
            result_format=_result_format(id_columns, frame),
        )
        result.results_json[table] = run.to_json_dict()
        for res in run.results:
            result.evaluated += 1
            if res.success:
                continue
            config = res.expectation_config
            severity = str(getattr(config.severity, "value", config.severity) or "critical")
            failure = ExpectationFailure(
                table=table,
                expectation=config.type,
                kwargs=dict(config.kwargs),
                severity=severity,
                unexpected_count=res.result.get("unexpected_count"),
                examples=_examples(res.result, res.exception_info),
            )
            if severity == "critical":
                result.failures.append(failure)
                result.success = False
            else:
                result.warnings.append(failure)
    return result


def _result_format(id_columns: list[str], frame: pd.DataFrame) -> dict[str, Any]:
    fmt: dict[str, Any] = {"result_format": "COMPLETE", "partial_unexpected_count": 20}
    present = [c for c in id_columns if c in frame.columns]
    if present:
        fmt["unexpected_index_column_names"] = present
    return fmt


def _examples(result: dict[str, Any], exception_info: Any) -> list[Any]:
    """Rows that failed, identified by the suite's id columns where GX reports them."""
    rows = result.get("unexpected_index_list") or result.get("partial_unexpected_list") or []
    if not rows and "observed_value" in result:
        rows = [f"observed {result['observed_value']!r}"]
    if not rows and exception_info:
        infos = exception_info.values() if isinstance(exception_info, dict) else [exception_info]
        rows = [str(i.get("exception_message")) for i in infos if isinstance(i, dict)]
    return [_plain(r) for r in rows[: MAX_ROWS_IN_MESSAGE * 4]]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def write_result(result: GateResult, path: Path) -> str:
    """Persist the full GX results (for inspection) and return the JSON written."""
    payload = json.dumps(
        {
            "gate": result.gate,
            "success": result.success,
            "summary": result.summary(),
            "results": result.results_json,
        },
        default=str,
        indent=1,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(payload, encoding="utf-8")
    return payload


class LoadRejected(DataRejected):
    """A load failed its quality gate; it is kept, marked rejected, and not published."""


def gate_load(
    con: duckdb.DuckDBPyConnection,
    load_id: str,
    gate_dir: Path,
    frames: dict[str, pd.DataFrame],
    night: date,
    validations_dir: Path,
) -> GateResult:
    """The one load gate every source uses: validate, keep the result, settle the load.

    The load ends ``accepted`` (or ``partial`` when some fetches gave no usable payload) and
    the result is returned; or it ends ``rejected`` and LoadRejected names each failed
    expectation with example rows (and each unparseable payload, if the frames have a
    ``parse_errors`` table).
    """
    from ingestion.landing import finish_load, status_after_gate

    result = run_gate(gate_dir, frames, parameters={"logical_date": pd.Timestamp(night)})
    out = validations_dir / f"{load_id}.json"
    payload = write_result(result, out)
    if result.success:
        status, failures = status_after_gate(con, load_id)
        finish_load(con, load_id, status,
                    result.summary() + (f"\n{failures}" if failures else ""), payload)
        return result
    errors = frames.get("parse_errors")
    summary = result.summary() + "".join(
        f"\n  unparseable payload {row.url}: {row.error}"
        for row in (errors.itertuples() if errors is not None else [])
    )
    finish_load(con, load_id, "rejected", summary, payload)
    raise LoadRejected(
        f"load {load_id} rejected by quality gate (kept for inspection; full result in "
        f"{out}):\n{summary}"
    )

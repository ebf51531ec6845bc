"""Great Expectations gates: run the JSON suites in ``expectations/`` on pandas DataFrames.

Each ``expectations/<gate>/<table>.json`` is a GX ExpectationSuite (GX's own JSON form) that
validates the DataFrame of the same name. GX runs on DataFrames read from DuckDB because its SQL
datasource fails every expectation on DuckDB (measured; see docs/architecture.md).
Expectations of severity ``critical`` (GX's default) block the gate; ``warning`` ones are
recorded and reported only. Suites may reference run-time parameters as
``{"$PARAMETER": "logical_date"}`` (the night; the suites' name for it).

A load gate whose inputs are exactly those of a load that passed on an earlier night (same
suites, same rows) is not run again: its pass is carried over (``gate_inputs_fingerprint``),
which spares a night that changed nothing the seconds of importing GX.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
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


# Passes of load gates, by what the gate saw: a later load that shows the gate the same rows
# reuses the pass instead of running GX again.
_PASSES_DDL = """
create schema if not exists pipeline_state;
create table if not exists pipeline_state.gate_passes (
    gate varchar not null,
    inputs_fp varchar not null,         -- gate_inputs_fingerprint: suites + rows
    night date not null,                -- the night the gate passed for
    load_id varchar not null,
    passed_at timestamp not null,
    result_json varchar not null        -- evaluated, warnings and the GX results
);
"""


def _parameters_only_cap(node: Any, key: str | None = None) -> bool:
    """Whether every run-time parameter in a suite is a ``max_value`` (an upper bound)."""
    if isinstance(node, dict):
        if "$PARAMETER" in node:
            return key in {"max_value"}
        return all(_parameters_only_cap(v, k) for k, v in node.items())
    if isinstance(node, list):
        return all(_parameters_only_cap(v, key) for v in node)
    return True


def gate_inputs_fingerprint(gate_dir: Path, frames: dict[str, pd.DataFrame]) -> str | None:
    """sha256 of everything a gate's verdict depends on but the night: suites and rows.

    Row order does not matter (rows are hashed one by one, then sorted). The ``load_id``
    column names the load, not its content, and is left out unless a suite mentions it.
    None when a pass could not be carried to a later night: a suite uses a run-time
    parameter other than as an upper bound (only then does passing on night X imply passing
    on any night after X), or a frame holds values pandas cannot hash.
    """
    digest = hashlib.sha256()
    suites = sorted(gate_dir.glob("*.json"))
    texts = [path.read_bytes() for path in suites]
    if not all(_parameters_only_cap(json.loads(text)) for text in texts):
        return None
    ignored = set() if any(b"load_id" in text for text in texts) else {"load_id"}
    for path, text in zip(suites, texts, strict=True):
        digest.update(path.name.encode() + b"\0" + text)
    for name in sorted(frames):
        frame = frames[name]
        frame = frame.drop(columns=[c for c in frame.columns if c in ignored])
        digest.update(f"{name}:{[(c, str(t)) for c, t in frame.dtypes.items()]}".encode())
        try:
            rows = pd.util.hash_pandas_object(_scalars(frame), index=False).to_numpy(copy=True)
        except TypeError:
            return None
        rows.sort()
        digest.update(rows.tobytes())
    return digest.hexdigest()


def _scalars(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with list-like cells (DuckDB lists arrive as arrays) spelt as JSON text."""
    def spelt(value: Any) -> Any:
        if hasattr(value, "tolist"):
            value = value.tolist()
        return json.dumps(value, default=str) if isinstance(value, (list, dict)) else value

    out = frame.copy()
    for column in out.select_dtypes(include="object").columns:
        out[column] = out[column].map(spelt)
    return out


def _earlier_pass(con: duckdb.DuckDBPyConnection, gate: str, inputs_fp: str | None,
                  night: date) -> tuple[str, date, GateResult] | None:
    """A pass of this gate on the same inputs for this night or an earlier one, if any."""
    if inputs_fp is None:
        return None
    row = con.execute(
        "select load_id, night, result_json from pipeline_state.gate_passes "
        "where gate = ? and inputs_fp = ? and night <= ? order by night desc limit 1",
        [gate, inputs_fp, night],
    ).fetchone()
    if row is None:
        return None
    stored = json.loads(row[2])
    result = GateResult(
        gate=gate, success=True,
        warnings=[ExpectationFailure(**w) for w in stored["warnings"]],
        evaluated=stored["evaluated"], results_json=stored["results"],
    )
    return row[0], row[1], result


def _remember_pass(con: duckdb.DuckDBPyConnection, result: GateResult, inputs_fp: str | None,
                   night: date, load_id: str) -> None:
    if inputs_fp is None:
        return
    from ingestion.clock import utcnow

    stored = json.dumps({"evaluated": result.evaluated,
                         "warnings": [asdict(w) for w in result.warnings],
                         "results": result.results_json}, default=str)
    con.execute("insert into pipeline_state.gate_passes values (?, ?, ?, ?, ?, ?)",
                [result.gate, inputs_fp, night, load_id, utcnow(), stored])


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

    inputs_fp = gate_inputs_fingerprint(gate_dir, frames)
    con.execute(_PASSES_DDL)
    earlier = _earlier_pass(con, gate_dir.name, inputs_fp, night)
    carried = ""
    if earlier is not None:
        earlier_load, earlier_night, result = earlier
        carried = (f"\n  the gate saw the same rows as load {earlier_load}, which passed for "
                   f"night {earlier_night}: its pass is carried over")
    else:
        result = run_gate(gate_dir, frames, parameters={"logical_date": pd.Timestamp(night)})
    out = validations_dir / f"{load_id}.json"
    payload = write_result(result, out)
    if result.success:
        status, failures = status_after_gate(con, load_id)
        finish_load(con, load_id, status,
                    result.summary() + carried + (f"\n{failures}" if failures else ""), payload)
        if earlier is None:
            _remember_pass(con, result, inputs_fp, night, load_id)
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

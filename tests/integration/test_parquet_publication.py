"""Parquet for everyone else: stable per-table paths, dated publications, descriptions inside."""

from __future__ import annotations

import json
from datetime import date

import duckdb

from ingestion.pipeline import run_untc_night, run_warehouse_night
from ingestion.settings import load_settings

NIGHTS = [date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)]


def kv_metadata(path) -> dict[str, str]:
    with duckdb.connect() as con:
        return dict(con.execute(
            "select decode(key), decode(value) from parquet_kv_metadata(?)", [str(path)]
        ).fetchall())


def test_stable_paths_dated_nights_and_descriptions(tw_env, snapshot_copy, monkeypatch) -> None:
    monkeypatch.setenv("TREATYWATCH_PARQUET_KEEP_NIGHTS", "2")
    settings = load_settings()
    # The layout before issue 8: parquet -> parquet-<fingerprint>/ (symlink), migrated in place.
    old_folder = settings.warehouse_dir / "parquet-0123456789abcdef"
    old_folder.mkdir(parents=True)
    (old_folder / "dim_treaty.parquet").write_bytes(b"old")
    settings.parquet_dir.symlink_to(old_folder.name)

    held = None
    for night in NIGHTS:
        run_untc_night(night)
        assert run_warehouse_night(night).published
        if held is None:  # a tool that opened the stable path on the first night
            held = open(settings.parquet_dir / "treaty_progress.parquet", "rb")  # noqa: SIM115
    try:
        stable = settings.parquet_dir / "treaty_progress.parquet"
        assert settings.parquet_dir.is_dir() and not settings.parquet_dir.is_symlink()
        assert not old_folder.exists()
        assert stable.is_file() and not stable.is_symlink()
        # Kept nights: the last two, each a full set including meta_publish.
        nights_dir = settings.warehouse_dir / "parquet-nights"
        assert sorted(p.name for p in nights_dir.iterdir()) == [n.isoformat() for n in NIGHTS[1:]]
        latest = nights_dir / NIGHTS[-1].isoformat()
        published = {p.stem for p in settings.parquet_dir.glob("*.parquet")}
        assert published == {p.stem for p in latest.glob("*.parquet")}
        assert {"meta_publish", "treaty_progress", "dim_treaty"} <= published
        # The stable path is the latest night, with its descriptions in the file itself.
        meta = kv_metadata(stable)
        assert meta["treatywatch_night"] == NIGHTS[-1].isoformat()
        assert "treaty" in meta["description"].lower()
        columns = json.loads(meta["column_descriptions"])
        assert columns["instruments_remaining"]
        assert json.loads(kv_metadata(settings.parquet_dir / "dim_treaty.parquet")[
            "primary_key"]) == ["treaty_id"]
        with duckdb.connect() as con:
            night = con.execute("select logical_date from read_parquet(?)", [
                str(settings.parquet_dir / "meta_publish.parquet")]).fetchone()[0]
            assert night == NIGHTS[-1]
        # The handle opened on the first night still reads that night's complete file.
        held.seek(-4, 2)
        assert held.read() == b"PAR1"
    finally:
        held.close()

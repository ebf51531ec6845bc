"""Build ingestion/report/world_110m.geojson, the world map the report draws offline.

One-off, not part of a night: the source is Natural Earth's 1:110m Admin 0 countries (public
domain) as the shapefile ``geopandas/datasets/naturalearth_lowres/`` that the geopandas 0.14.4
wheel on PyPI ships. Read with pyshp; coordinates rounded to 0.01 degree (the 110m data is
coarser than that anyway). Provenance: ingestion/report/world_110m.PROVENANCE.md.

    pip download --no-deps geopandas==0.14.4 && unzip geopandas-0.14.4-*.whl 'geopandas/datasets/*'
    pip install --target /tmp/pyshp pyshp==3.1.6
    PYTHONPATH=/tmp/pyshp python scripts/build_world_geojson.py \
        geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapefile  # pyshp: only this build script needs it

OUT = Path(__file__).resolve().parents[1] / "ingestion" / "report" / "world_110m.geojson"
KOSOVO = "XKX"  # Natural Earth prints -99 for Kosovo; the M49 seed uses XKX


def _rounded(coords: object) -> object:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), 2) for c in coords]
    return [_rounded(c) for c in coords]  # type: ignore[union-attr]


def main(shp: str) -> None:
    """Convert the shapefile to a small GeoJSON FeatureCollection keyed by ISO alpha-3."""
    reader = shapefile.Reader(shp)
    names = [f.name for f in reader.fields[1:]]
    features = []
    for record, shape in zip(reader.records(), reader.shapes(), strict=True):
        row = dict(zip(names, record, strict=True))
        iso3 = row["iso_a3"]
        if iso3 == "-99":
            iso3 = KOSOVO if row["name"] == "Kosovo" else None
        geometry = shape.__geo_interface__
        coordinates = _rounded(geometry["coordinates"])
        features.append({
            "type": "Feature",
            "id": iso3,
            "properties": {"iso3": iso3, "name": row["name"]},
            "geometry": {"type": geometry["type"], "coordinates": coordinates},
        })
    OUT.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")),
        encoding="utf-8",
    )
    print(f"{OUT}: {len(features)} countries, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])

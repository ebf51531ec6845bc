"""TreatyWatch ingestion: fetch, land, audit and publish treaty status data."""

__version__ = "0.1.0"

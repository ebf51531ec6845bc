"""The nightly HTML report, built from the published marts."""

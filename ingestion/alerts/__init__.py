"""Change alerts: deliver new ``status_changes`` to subscribers after a publish."""

"""What the TreatyWatch DAG files share; no DAG is defined here.

``common``: the DuckDB pool, the assets, the task arguments, the night of a run and how a known
failure fails a task. ``loads``: the fetch -> parse -> audit tasks of one source's nightly load.
Airflow puts the DAG folder on ``sys.path`` when it parses or runs a DAG, so the DAG files
import ``treatywatch_dags``; ``dags/.airflowignore`` keeps the DAG scan out of this folder.
"""

# TreatyWatch image: Airflow 3.3.2 (CeleryExecutor, Postgres metadata DB), dbt-duckdb,
# Great Expectations and the project's own `ingestion` package, all from requirements.lock.
# Used by every Airflow service of docker-compose.yml; see docs/docker.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AIRFLOW_HOME=/opt/airflow \
    TREATYWATCH_HOME=/opt/treatywatch

# curl serves the compose healthchecks; nothing else is needed from Debian (the Postgres
# driver ships its own libpq in the psycopg2-binary wheel).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

# Same convention as the official Airflow image: uid 50000, primary group 0, and every
# writable directory group-writable, so that `user: "<any uid>:0"` in compose still works.
ARG AIRFLOW_UID=50000
RUN useradd --uid "${AIRFLOW_UID}" --gid 0 --home-dir /opt/airflow --create-home \
        --shell /bin/bash airflow

WORKDIR /opt/treatywatch

# 1. Dependencies: the project's one pinned set, requirements.lock (it includes the Celery and
#    Postgres extras of Airflow; celery stays at 5.6.3: 5.7.0 breaks the CeleryExecutor import).
COPY requirements.lock ./
RUN pip install -r requirements.lock && pip check

# 2. The project itself (package `ingestion`, console script `treatywatch`). Its dependencies
#    are all installed above, hence --no-deps. The folders compose mounts over (dags/,
#    dbt_project/, config/, snapshot/, expectations/) are baked in too, so the image also runs
#    without the mounts.
COPY pyproject.toml ./
COPY ingestion ./ingestion
RUN pip install --no-deps -e .
COPY dags ./dags
COPY dbt_project ./dbt_project
COPY config ./config
COPY snapshot ./snapshot
COPY expectations ./expectations

# 3. Writable places. Named volumes mounted here start as copies of these directories, so
#    they inherit the owner (airflow:0) and the group write bit.
RUN mkdir -p /opt/treatywatch/data /opt/treatywatch/warehouse \
        /opt/airflow/logs /opt/airflow/auth \
    && chown -R airflow:0 /opt/treatywatch/data /opt/treatywatch/warehouse /opt/airflow \
    && chmod -R g+rwX /opt/treatywatch/data /opt/treatywatch/warehouse /opt/airflow

USER ${AIRFLOW_UID}:0
EXPOSE 8080
CMD ["airflow", "version"]

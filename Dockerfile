# Hedui's Airflow image: the official Airflow 3.3 image with the project and its locked deps.
FROM apache/airflow:3.3.2-python3.11

USER root
RUN pip install --no-cache-dir uv
COPY --chown=airflow:root pyproject.toml uv.lock README.md /opt/hedui/
COPY --chown=airflow:root hedui /opt/hedui/hedui
COPY --chown=airflow:root connectors /opt/hedui/connectors
COPY --chown=airflow:root dbt_project /opt/hedui/dbt_project
COPY --chown=airflow:root expectations /opt/hedui/expectations
COPY --chown=airflow:root dags /opt/airflow/dags
USER airflow
# Install the project into the image's Python, pinned by the lock file.
RUN cd /opt/hedui && uv export --frozen --no-dev --no-hashes -o /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt && pip install --no-cache-dir --no-deps .
ENV HEDUI_PROJECT_DIR=/opt/hedui

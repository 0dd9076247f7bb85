"""Test doubles and synthetic fixtures for the test suite and the bench: not shipped.

The wheel packages only ``hedui`` and ``connectors`` (pyproject.toml); this package sits beside
them in the repository, importable from a development checkout (``uv sync`` installs the
project in editable mode with the repository root on the path). Nothing in ``hedui`` or
``connectors`` imports it, except ``hedui bench`` (a development command) inside its function.

- ``fake_api``: an HTTP delivery API serving a source's rows (connector tests).
- ``sql_publish``: publishes a delivery into PostgreSQL/MariaDB tables (connector tests).
- ``web_sample``: a small warehouse with every published table (web tests, trying the app).
- ``warehouse``: writes validated deliveries and dq runs for warehouse tests.
- ``synthetic``: clean synthetic landing deliveries (validation tests, the bench).
"""

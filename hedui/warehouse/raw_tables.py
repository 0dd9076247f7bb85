"""Column definitions of the raw layer: one table per source plus the run's bookkeeping tables.

Source tables have the registry's contract columns plus ``_file``, ``_line`` (where the row was
delivered) and ``_delivery_date``. Types are neutral names mapped to DuckDB or PostgreSQL DDL.
"""

from __future__ import annotations

from hedui.registry import Source

RAW_SCHEMA = "raw"

#: Contract type -> neutral warehouse type.
CONTRACT_TYPES = {
    "string": "string",
    "enum": "string",
    "period": "string",
    "id_number": "string",
    "uscc": "string",
    "int": "int",
    "decimal": "decimal",
    "date": "date",
}

DDL_TYPES = {
    "duckdb": {
        "string": "VARCHAR",
        "int": "BIGINT",
        "decimal": "DECIMAL(18,4)",
        "date": "DATE",
        "bool": "BOOLEAN",
        "timestamp": "TIMESTAMP",
    },
    "postgres": {
        "string": "text",
        "int": "bigint",
        "decimal": "numeric(18,4)",
        "date": "date",
        "bool": "boolean",
        "timestamp": "timestamp",
    },
}

LINEAGE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("_file", "string", "File (or input) of the delivery the row came from."),
    ("_line", "int", "Line or row number of the row in that file."),
    ("_delivery_date", "date", "Date of the delivery the row came from (latest wins per key)."),
)

#: Bookkeeping tables: name -> (description, [(column, type, description)]).
EXTRA_TABLES: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    "source_status": (
        "One row per source for the run date: whether its data may be used (passed or late "
        "within the freshness limit) and the date of the delivery loaded.",
        (
            ("source", "string", "Source name (registry)."),
            ("run_date", "date", "Run date."),
            ("status", "string", "passed | failed | missing | late (from dq_source_runs)."),
            ("usable", "bool", "True when status is passed or late and a delivery was loaded."),
            ("data_as_of", "date", "Date of the latest delivery loaded (null: none)."),
            ("deliveries", "int", "Number of deliveries loaded for the source."),
            ("rows_loaded", "int", "Rows loaded into raw for the source."),
            ("message", "string", "Validation message, or why the status was derived."),
            (
                "window_covered_through",
                "date",
                "Monthly window sources: last day of the last full month the latest delivery "
                "loaded covers (null: other sources, or none loaded).",
            ),
        ),
    ),
    "identity": (
        "Every person a result can be about (hukou, assistance roll, verification requests) "
        "with the keyed pseudonym person_key = HMAC-SHA256(secret, id_number). Restricted.",
        (
            ("id_number", "string", "Resident ID number."),
            ("person_key", "string", "HMAC-SHA256 of the ID number, hex (64 characters)."),
            ("name", "string", "Name from the hukou (null when not in the hukou)."),
        ),
    ),
    "dq_source_runs": (
        "The validation outcome of every source for the run date (dq_source_runs.parquet).",
        (
            ("source", "string", "Source name."),
            ("run_date", "date", "Run date."),
            ("status", "string", "passed | failed | missing | late."),
            ("rows_landed", "int", "Rows landed."),
            ("rows_loaded", "int", "Rows that passed validation."),
            ("rows_quarantined", "int", "Rows quarantined."),
            ("checks_evaluated", "int", "Expectations evaluated."),
            ("checks_failed", "int", "Expectations failed."),
            ("schema_hash", "string", "Hash of the landed schema."),
            ("message", "string", "Human-readable outcome."),
        ),
    ),
    "quarantine": (
        "Rows rejected by validation for the run date (quarantine.parquet).",
        (
            ("source", "string", "Source name."),
            ("run_date", "date", "Run date."),
            ("file", "string", "Delivered file."),
            ("line", "int", "Line or row number in the file."),
            ("reason_code", "string", "First failed rule family (hedui.reason_codes)."),
            ("reason", "string", "Human-readable reason (never a value)."),
        ),
    ),
    "quarantined_keys": (
        "Persons and households named by rows quarantined from the delivery of each source "
        "that was loaded: their data of that source is incomplete for the run. Restricted.",
        (
            ("source", "string", "Source name."),
            (
                "key_kind",
                "string",
                "person (key: an ID number) | hukou | case | request (key: "
                "the household, case or request number).",
            ),
            ("key", "string", "The ID number or number named by a quarantined row."),
        ),
    ),
    "exchange_queries": (
        "The cross-region query log (<workspace>/exchange/queries.parquet, written by the "
        "exchange; empty when absent): every query Hedui sent a partner region and its answer "
        "status (docs/policy.md §11, exchange.md).",
        (
            ("query_id", "string", "Query id."),
            ("request_id", "string", "The verification request (or case) queried for."),
            ("person_key", "string", "Keyed pseudonym of the member's ID number."),
            ("to_region", "string", "The partner region queried (110000 | 130000)."),
            ("purpose", "string", "Purpose of the request."),
            ("period_from", "string", "First month asked for (YYYY-MM)."),
            ("period_to", "string", "Last month asked for (YYYY-MM)."),
            ("asked_on", "date", "Date the query was made."),
            ("sent_at", "timestamp", "When the partner accepted the query (null: not yet)."),
            ("attempts", "int", "Send attempts."),
            ("answered_on", "date", "Date the answer arrived (null: none yet)."),
            ("answer_status", "string", "answered | not_found | refused | null."),
            ("refusal_reason", "string", "The partner's reason for a refusal."),
            ("last_error", "string", "Last send error (no personal data)."),
        ),
    ),
    # Monitoring state across nights (hedui.warehouse.history): the previously published
    # warehouse's marts of the same name, every run date but the one being built.
    "warning_history": (
        "Return-to-poverty warning firings of the other runs (marts.warning_history of the "
        "previously published warehouse, every run date but this one).",
        (
            ("household_id", "string", "Hukou household number."),
            ("warning_code", "string", "Warning code (W_*)."),
            ("run_date", "date", "Run date the warning fired."),
            ("severity", "string", "red | orange | yellow."),
            ("evidence", "string", "JSON evidence of the firing."),
            ("evaluated", "bool", "False when carried forward unevaluated (source unusable)."),
        ),
    ),
    "population_history": (
        "The low-income population's spells as published (marts.population_history of the "
        "previously published warehouse, every spell, this run date included: the build "
        "takes this run date out of them).",
        (
            ("person_key", "string", "Keyed pseudonym of the ID number."),
            ("household_id", "string", "Hukou household number."),
            ("category", "string", "The person's category throughout the spell."),
            ("from_date", "date", "First run date of the spell."),
            ("to_date", "date", "Last run date of the spell."),
        ),
    ),
    "monitoring_runs": (
        "Run log of monitoring of the other runs (marts.monitoring_runs of the previously "
        "published warehouse, every run date but this one).",
        (
            ("run_date", "date", "Run date."),
            ("policy_version", "string", "Policy parameter version of the run."),
            ("population_complete", "bool", "The run's monitored population was complete."),
            ("rules_complete", "bool", "Every warning and review rule could be evaluated."),
            ("monitored_households", "int", "Monitored hukou households."),
            ("monitored_persons", "int", "Persons in the low-income population."),
            ("warnings", "int", "Warnings firing (new or ongoing)."),
            ("reviews", "int", "Reviews of current recipients."),
        ),
    ),
}


def source_columns(source: Source) -> list[tuple[str, str]]:
    """(column, neutral type) of a source's raw table, lineage columns last."""
    cols = [(c.name, CONTRACT_TYPES[c.type]) for c in source.columns]
    return cols + [(name, kind) for name, kind, _ in LINEAGE_COLUMNS]


def extra_columns(table: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, _ in EXTRA_TABLES[table][1]]


def ddl_type(kind: str, dialect: str) -> str:
    return DDL_TYPES[dialect][kind]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: str, columns: list[tuple[str, str]], dialect: str) -> str:
    """CREATE TABLE statement for a fully qualified ``table`` (already quoted)."""
    body = ", ".join(f"{quote(c)} {ddl_type(k, dialect)}" for c, k in columns)
    return f"CREATE TABLE {table} ({body})"

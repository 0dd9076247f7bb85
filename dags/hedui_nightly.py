"""Hedui nightly DAG: extract and validate every source, build, audit, publish, report.

Thin by design: every task calls a tested function of ``hedui.pipeline``. Data moves as files
and tables; XCom carries only small JSON (paths, counts, statuses).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task, task_group
from airflow.timetables.trigger import CronTriggerTimetable

from hedui import pipeline
from hedui.registry import source_names
from hedui.warehouse.outputs import published_outputs

TZ = "Asia/Shanghai"
MART_ASSETS = [Asset(f"hedui://warehouse/marts/{o.name}") for o in published_outputs()]

DOC = """
### Hedui nightly run (核对 · 低收入人口动态监测)

Runs at 02:00 Asia/Shanghai for the run date = the logical date in Asia/Shanghai, or the
`run_date` param when triggered by hand. Backfill one run at a time (each night's monitoring
history builds on the previous publish): `airflow backfill create --dag-id hedui_nightly
--max-active-runs 1 --from-date D --to-date ET23:59`.

1. **source** (a task group mapped over the sources of the registry, 22 local and the
   cross-region answers; each source moves on as soon as its own delivery has landed):
   - **extract**: land the delivery as typed Parquet (`not_delivered` when `_SUCCESS` is
     missing; `failed` for unreadable files or schema drift). An unreachable channel (database
     down, network, HTTP 5xx) is retried with exponential backoff; after the last try the
     source is recorded as failed and the night goes on with the others.
   - **validate**: the source's Great Expectations suite (compiled to DuckDB SQL): quarantined
     rows with reason codes, the source status (passed / late / failed / missing).
   Before it, **exchange_receive** turns the 京津冀 partners' new answers into the night's
   `cross_region_answer` delivery (docs/exchange.md).
2. **gather_dq**: the run's `dq_source_runs` and `quarantine` tables and the Data Docs; then
   **exchange_send** queues and sends the night's signed queries to Beijing and Hebei.
3. **build**: load the validated deliveries and run one `dbt build` into a staging warehouse file.
4. **audit**: dbt test results, row accounting, completeness; a failed audit stops the publish.
5. **publish**: the publish gate compares the night with the last published one
   (`config/publish_gate.yaml`); beyond a band the night is held (report + alert; release with
   `hedui publish --approve D` or the param `approve_publish`), else atomic swap of the
   published warehouse (previous versions kept; `hedui rollback`).
6. **report**: the run summary (sources, tiers, warnings, reviews, outreach, where the reports are);
   an alert when the run published with sources failed, missing or late.

Alerts (task failures, degraded runs) are `HEDUI ALERT {json}` log lines and, with
`HEDUI_ALERT_WEBHOOK` set, a JSON POST to that URL.
"""


def _notify_failure(context: dict) -> None:
    """Failure callback: an alert a data engineer can act on (no personal data in it)."""
    from hedui.alerts import task_failed
    from hedui.validation.privacy import mask

    ti = context.get("task_instance")
    task_failed(
        ti.dag_id, ti.task_id, ti.run_id, ti.try_number, mask(repr(context.get("exception"))) or ""
    )


@dag(
    dag_id="hedui_nightly",
    schedule=CronTriggerTimetable("0 2 * * *", timezone=TZ),
    start_date=pendulum.datetime(2026, 1, 1, tz=TZ),
    catchup=False,
    max_active_runs=1,
    doc_md=DOC,
    tags=["hedui", "nightly", "civil-affairs"],
    params={
        "run_date": Param(
            None,
            type=["null", "string"],
            description="YYYY-MM-DD; default: the logical date in Asia/Shanghai",
        ),
        "workspace": Param(None, type=["null", "string"], description="default: $HEDUI_HOME"),
        "inbox": Param(None, type=["null", "string"], description="default: $HEDUI_INBOX"),
        "warehouse": Param(None, type=["null", "string"], description="default: $HEDUI_WAREHOUSE"),
        "approve_publish": Param(
            False,
            type="boolean",
            description="publish even when the "
            "publish gate holds the night (config/publish_gate.yaml)",
        ),
    },
    default_args={"on_failure_callback": _notify_failure, "retries": 0},
)
def hedui_nightly() -> None:
    @task(doc_md="Fix the run date and the folders for every later task.")
    def plan() -> dict:
        ctx = get_current_context()
        params = ctx["params"]
        run_date = params.get("run_date") or ctx["logical_date"].in_timezone(TZ).date()
        return pipeline.RunContext.create(
            run_date, params.get("workspace"), params.get("inbox"), params.get("warehouse")
        ).to_dict()

    @task(
        doc_md="Land one source's delivery as typed Parquet with a manifest; retried while "
        "the source's channel cannot be reached.",
        retries=3,
        retry_delay=pendulum.duration(seconds=30),
        retry_exponential_backoff=2.0,
        max_retry_delay=pendulum.duration(minutes=10),
        map_index_template="{{ hedui_source }}",
    )
    def extract(run: dict, source: str) -> dict:
        ctx = get_current_context()
        ctx["hedui_source"] = source  # names the map index in the UI
        ti = ctx["ti"]
        final = ti.try_number > ti.max_tries
        return pipeline.extract_source(pipeline.RunContext(**run), source, final_attempt=final)

    @task(
        doc_md="Validate one source's landed delivery: quarantine, status, GX result.",
        map_index_template="{{ hedui_source }}",
    )
    def validate(run: dict, source: str, landed: dict) -> dict:
        get_current_context()["hedui_source"] = source
        return pipeline.validate_source_step(pipeline.RunContext(**run), landed)

    @task(
        doc_md="京津冀 exchange: partners' new answers become tonight's cross_region_answer "
        "delivery (nothing to do without HEDUI_EXCHANGE_CONFIG)."
    )
    def exchange_receive(run: dict) -> dict:
        from hedui.exchange.night import receive_step

        return receive_step(pipeline.RunContext(**run))

    @task(
        doc_md="京津冀 exchange: queue and send the night's signed queries for authorized "
        "members out of local coverage (audited; a partner down leaves them for a later night)."
    )
    def exchange_send(run: dict, validation: dict) -> dict:
        from hedui.exchange.night import send_step

        return send_step(pipeline.RunContext(**run))

    @task_group(group_id="source")
    def per_source(run: dict, source: str) -> dict:
        """Extract, then validate, one source."""
        return validate(run, source, extract(run, source))

    @task(doc_md="The run's dq_source_runs and quarantine tables and the Data Docs.")
    def gather_dq(run: dict, outcomes: list[dict]) -> dict:
        return pipeline.gather_validation_step(pipeline.RunContext(**run), list(outcomes))

    @task(doc_md="Load validated deliveries and run one `dbt build` into a staging file.")
    def build(run: dict, validation: dict, exchange: dict) -> dict:
        from hedui.lineage import airflow_parent

        parent = airflow_parent(get_current_context()["ti"])  # the dbt events' parent run
        return pipeline.build_step(pipeline.RunContext(**run), lineage_parent=parent)

    @task(doc_md="Audit the staging warehouse; raise to stop the publish.")
    def audit(run: dict, built: dict) -> dict:
        return pipeline.audit_step(pipeline.RunContext(**run), built)

    @task(doc_md="Publish the audited warehouse by atomic swap.", outlets=MART_ASSETS)
    def publish(run: dict, audited: dict) -> dict:
        approve = bool(get_current_context()["params"].get("approve_publish"))
        return pipeline.publish_step(pipeline.RunContext(**run), audited, approve=approve)

    @task(doc_md="Write and print the run summary.")
    def report(run: dict, published: dict) -> dict:
        return pipeline.report_step(pipeline.RunContext(**run), published)

    run = plan()
    received = exchange_receive(run)
    outcomes = per_source.partial(run=run).expand(source=source_names())
    received >> outcomes.operator.task_group  # answers land with the night's deliveries
    checked = gather_dq(run, outcomes)
    built = build(run, checked, exchange_send(run, checked))
    audited = audit(run, built)
    published = publish(run, audited)
    report(run, published)


hedui_nightly()

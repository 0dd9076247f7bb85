-- 异地核查伙伴统计: per run date and partner region (exchange.md: Beijing 110000, Hebei 130000),
-- how the region answered the queries asked on or before D (cross_region_queries): queries asked
-- and sent, answered, not_found, refused, overdue, pending (sent or unsent, not yet overdue);
-- the refusal rate among the closed queries (answered, not_found, refused) and the answer time,
-- median and max days from the night the query was made (asked_on; a retry after a partner's
-- outage counts against the partner) to the night its answer arrived (answered_on): both are
-- run dates, so a rerun or a backfill measures the same (sent_at is the wall-clock moment the
-- partner accepted it). Rates and times are null, never zero, while a region has closed no
-- query (docs/policy.md §7).

with params as (

    select run_date from {{ ref('int_policy_parameters') }}

),

partners as (

    select partner.region from (values ('110000'), ('130000')) as partner (region)

),

queries as (

    select
        query_id,
        to_region,
        status,
        sent_at,
        status in ('answered', 'not_found', 'refused') as is_closed,
        case
            when status in ('answered', 'not_found', 'refused') then days_waiting
        end as answer_days
    from {{ ref('cross_region_queries') }}

),

regions as (

    select region from partners
    union
    select distinct to_region as region from queries

),

timed as (

    select
        to_region,
        answer_days,
        row_number() over (partition by to_region order by answer_days, query_id) as rank_up,
        row_number() over (
            partition by to_region order by answer_days desc, query_id desc
        ) as rank_down
    from queries
    where answer_days is not null

),

answer_times as (

    -- the median: the middle value, or the mean of the two middle ones (portable SQL)
    select
        to_region,
        avg(case when abs(rank_up - rank_down) <= 1 then answer_days end) as median_days,
        max(answer_days) as max_days
    from timed
    group by to_region

),

counts as (

    select
        to_region,
        count(*) as queries_asked,
        sum(case when sent_at is not null then 1 else 0 end) as queries_sent,
        sum(case when status = 'answered' then 1 else 0 end) as answered,
        sum(case when status = 'not_found' then 1 else 0 end) as not_found,
        sum(case when status = 'refused' then 1 else 0 end) as refused,
        sum(case when status = 'overdue' then 1 else 0 end) as overdue,
        sum(case when status in ('sent', 'unsent') then 1 else 0 end) as pending,
        sum(case when is_closed then 1 else 0 end) as closed
    from queries
    group by to_region

)

select
    params.run_date,
    cast(regions.region as {{ dbt.type_string() }}) as region,
    cast(coalesce(counts.queries_asked, 0) as {{ dbt.type_bigint() }}) as queries_asked,
    cast(coalesce(counts.queries_sent, 0) as {{ dbt.type_bigint() }}) as queries_sent,
    cast(coalesce(counts.answered, 0) as {{ dbt.type_bigint() }}) as answered,
    cast(coalesce(counts.not_found, 0) as {{ dbt.type_bigint() }}) as not_found,
    cast(coalesce(counts.refused, 0) as {{ dbt.type_bigint() }}) as refused,
    cast(coalesce(counts.overdue, 0) as {{ dbt.type_bigint() }}) as overdue,
    cast(coalesce(counts.pending, 0) as {{ dbt.type_bigint() }}) as pending,
    cast(
        case
            when counts.closed > 0
                then cast(counts.refused as {{ hedui.type_amount() }}) / counts.closed
        end as {{ hedui.type_amount() }}
    ) as refusal_rate,
    cast(answer_times.median_days as {{ hedui.type_money() }}) as median_answer_days,
    cast(answer_times.max_days as {{ dbt.type_bigint() }}) as max_answer_days
from regions
cross join params
left join counts on counts.to_region = regions.region
left join answer_times on answer_times.to_region = regions.region

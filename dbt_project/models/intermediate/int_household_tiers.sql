-- The tier of policy.md §6 per household, the first that applies in order tekun, dibao,
-- low_income, expenditure_hardship, none, and its monthly amount (whole yuan, half-up). When an
-- earlier tier's condition is unknown (a source is unusable) the tier is null: it cannot be
-- decided. A household failing an asset test is none.

with params as (

    select * from {{ ref('int_policy_parameters') }}

),

conditions as (

    select
        figures.household_kind,
        figures.household_id,
        figures.member_count,
        figures.income_per_capita,
        figures.severe_members,
        tests.asset_tests_passed
            and figures.income_per_capita < params.dibao_standard
            and figures.all_lack_capacity as is_tekun,
        tests.asset_tests_passed
            and figures.income_per_capita < params.dibao_standard as is_dibao,
        tests.asset_tests_passed
            and figures.income_per_capita < params.low_income_line as is_low_income,
        tests.asset_tests_passed
            and figures.income_per_capita - figures.rigid_expenditure_per_capita
                < params.low_income_line as is_expenditure_hardship
    from {{ ref('int_household_figures') }} as figures
    inner join {{ ref('int_asset_tests') }} as tests
        on tests.household_kind = figures.household_kind
        and tests.household_id = figures.household_id
    cross join params

),

tiers as (

    select
        conditions.*,
        case
            when is_tekun is null then null
            when is_tekun then 'tekun'
            when is_dibao is null then null
            when is_dibao then 'dibao'
            when is_low_income is null then null
            when is_low_income then 'low_income'
            when is_expenditure_hardship is null then null
            when is_expenditure_hardship then 'expenditure_hardship'
            else 'none'
        end as tier
    from conditions

)

select
    tiers.household_kind,
    tiers.household_id,
    tiers.tier,
    case tiers.tier
        when 'tekun' then {{ hedui.whole_yuan('params.tekun_dispersed * tiers.member_count') }}
        when 'dibao' then {{ hedui.whole_yuan(
            '(params.dibao_standard - tiers.income_per_capita) * tiers.member_count') }}
        when 'low_income' then {{ hedui.whole_yuan(
            'params.low_income_aid + params.dibao_standard * tiers.severe_members') }}
        when 'none' then 0
    end as monthly_amount,
    case
        when tiers.tier = 'low_income' then tiers.severe_members
        when tiers.tier is not null then 0
    end as single_person_dibao_count
from tiers
cross join params

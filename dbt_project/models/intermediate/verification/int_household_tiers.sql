-- The tier of docs/policy.md §6 per household, the first that applies in order tekun, dibao,
-- low_income, expenditure_hardship, none, and its monthly amount (whole yuan, half-up). When an
-- earlier tier's condition is unknown (a source is unusable) the tier is null: it cannot be
-- decided. A household failing an asset test is none. A partial income (lost rows, months a
-- late delivery does not cover) is a lower bound: "below a line" is then unknown, "not below"
-- stands. Partial expenditure is a lower bound too, so the net figure is an upper bound: "net
-- below the line" stands, "not below" is unknown. An unknown member count decides no income
-- condition (docs/missing-data.md).

with params as (

    select * from {{ ref('int_policy_parameters') }}

),

figures as (

    select
        figures.*,
        coalesce(figures.members_partial, false) as members_unknown,
        coalesce(figures.income_partial, false) as income_lower_bound,
        coalesce(figures.rigid_expenditure_partial, false) as expenditure_lower_bound
    from {{ ref('int_household_figures') }} as figures

),

conditions as (

    select
        figures.household_kind,
        figures.household_id,
        figures.member_count,
        figures.income_per_capita,
        figures.severe_members,
        tests.asset_tests_passed,
        figures.all_lack_capacity,
        -- income below a line: unknown when the true income may be higher (or members differ)
        case
            when figures.members_unknown then null
            when
                figures.income_lower_bound
                and figures.income_per_capita < params.dibao_standard then null
            else figures.income_per_capita < params.dibao_standard
        end as below_dibao,
        case
            when figures.members_unknown then null
            when
                figures.income_lower_bound
                and figures.income_per_capita < params.low_income_line then null
            else figures.income_per_capita < params.low_income_line
        end as below_low_income,
        case
            when figures.members_unknown then null
            when figures.income_lower_bound and figures.expenditure_lower_bound then null
            when
                figures.income_lower_bound
                and figures.income_per_capita - figures.rigid_expenditure_per_capita
                < params.low_income_line then null
            when
                figures.expenditure_lower_bound
                and not figures.income_per_capita - figures.rigid_expenditure_per_capita
                < params.low_income_line then null
            else
                figures.income_per_capita - figures.rigid_expenditure_per_capita
                < params.low_income_line
        end as net_below_low_income
    from figures
    inner join {{ ref('int_asset_tests') }} as tests
        on
            tests.household_kind = figures.household_kind
            and tests.household_id = figures.household_id
    cross join params

),

tiered as (

    select
        household_kind,
        household_id,
        member_count,
        income_per_capita,
        severe_members,
        asset_tests_passed and below_dibao and all_lack_capacity as is_tekun,
        asset_tests_passed and below_dibao as is_dibao,
        asset_tests_passed and below_low_income as is_low_income,
        asset_tests_passed and net_below_low_income as is_expenditure_hardship
    from conditions

),

tiers as (

    select
        tiered.*,
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
    from tiered

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

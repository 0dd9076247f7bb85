-- docs/policy.md §6: tier none pays 0, expenditure_hardship has no amount (case by case), every
-- other decided tier pays a positive amount; an undecided tier (null) has no amount; single-person
-- dibao members are counted for low_income only. A low_income household whose disability rows
-- were partly lost (incomplete) has a decided tier but no amount: the single-person dibao count
-- that the amount needs is unknown, and missing is never zero (docs/missing-data.md).

select household_id, tier, monthly_amount, single_person_dibao_count
from {{ ref('household_verification') }}
where
    (tier = 'none' and monthly_amount <> 0)
    or (tier = 'expenditure_hardship' and monthly_amount is not null)
    or (
        tier in ('tekun', 'dibao')
        and (monthly_amount is null or monthly_amount < 0)
    )
    or (
        tier = 'low_income'
        and ((monthly_amount is null and complete) or monthly_amount < 0)
    )
    or (tier is null and monthly_amount is not null)
    or (tier <> 'low_income' and single_person_dibao_count <> 0)

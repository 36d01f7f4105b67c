{{ config(tags=['daily_refresh']) }}
{#-
    marts.indicator_results made safe to share (docs/indicators.md): a cell of fewer than
    var k12:suppression_minimum_n students (and, with var k12:suppression_protect_numerators,
    one where 1-10 students have or lack the outcome) is blanked, and so are the cells
    complementary suppression chose so that no blanked value can be recovered by subtraction
    from ALL, from the other groups of the same dimension or from the LEA and its other
    schools. Last year's values and the change are shown only when last year's cell is
    published; the comparison with all students only when the ALL cell is. Participation
    counts, event counts and unrounded values are not published.
-#}

with

results as (
    select * from {{ ref('indicator_results') }}
),

cells as (
    select * from {{ ref('int_public_cells_suppressed') }}
),

keyed as (
    select
        results.*,
        {{ k12_indicator_cell_id('results.') }} as cell_id,
        {{ k12_indicator_cell_id('results.', {'school_year': 'results.school_year - 1'}) }} as prior_cell_id,
        {{ k12_indicator_cell_id('results.', {'student_group_code': "'ALL'"}) }} as all_students_cell_id
    from results
),

flagged as (
    select
        keyed.*,
        current_cell.is_suppressed,
        current_cell.suppression_reason,
        coalesce(prior_cell.is_suppressed, true) as is_prior_suppressed,
        coalesce(all_students_cell.is_suppressed, true) as is_all_students_suppressed
    from keyed
    inner join cells as current_cell
        on keyed.cell_id = current_cell.cell_id
    left join cells as prior_cell
        on keyed.prior_cell_id = prior_cell.cell_id
    left join cells as all_students_cell
        on keyed.all_students_cell_id = all_students_cell.cell_id
),

final as (
    select
        indicator_code,
        school_year,
        period_type,
        as_of_date,
        as_of_instructional_day,
        entity_type,
        lea_code,
        school_code,
        school_key,
        cds_code,
        entity_name,
        student_group_code,
        is_intersection,
        breakdown_type,
        breakdown_value,
        rate_unit,
        is_suppressed,
        suppression_reason,
        case when not is_suppressed then student_count end as student_count,
        case when not is_suppressed then numerator end as numerator,
        case when not is_suppressed then denominator end as denominator,
        case when not is_suppressed then rate_displayed end as rate_displayed,
        case when not is_suppressed and not is_prior_suppressed then prior_rate_displayed end as prior_rate_displayed,
        case when not is_suppressed and not is_prior_suppressed then change_displayed end as change_displayed,
        case when not is_suppressed and not is_all_students_suppressed
            then {{ k12_round_half_up('gap_to_all_students', 1) }} end as gap_to_all_students,
        case when not is_suppressed and not is_all_students_suppressed
            then {{ k12_round_half_up('other_students_rate', 1) }} end as other_students_rate,
        case when not is_suppressed and not is_all_students_suppressed
            then {{ k12_round_half_up('gap_to_other_students', 1) }} end as gap_to_other_students,
        case when not is_suppressed and not is_all_students_suppressed
            then {{ k12_round_half_up('risk_ratio_to_other_students', 2) }} end as risk_ratio_to_other_students,
        case when not is_suppressed then status_level end as status_level,
        case when not is_suppressed then status_level_name end as status_level_name,
        case when not is_suppressed and not is_prior_suppressed then change_level end as change_level,
        case when not is_suppressed and not is_prior_suppressed then change_level_name end as change_level_name,
        case when not is_suppressed and not is_prior_suppressed then color_code end as color_code,
        case when not is_suppressed and not is_prior_suppressed then color_name end as color_name
    from flagged
)

select * from final

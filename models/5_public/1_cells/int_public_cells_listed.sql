{{ config(tags=['daily_refresh']) }}
{#-
    The cells of marts.indicator_results as public suppression sees them (this year's values
    and the last year's values shown beside them): each row is a cell
    of a table (indicator x school year x period x as-of position x breakdown) describing
    student_n students (the students the rate is about: student_count), of whom outcome_n
    have the outcome (the numerator, when it counts students; NULL otherwise).
    Primary suppression (docs/indicators.md): a cell of fewer than var
    k12:suppression_minimum_n (11) students; with var k12:suppression_protect_numerators,
    also a cell where 1 to 10 students have the outcome or 1 to 10 do not (a rate of 2 of 40
    tells who the two are in a small group as surely as a count).
-#}

with

results as (
    select * from {{ ref('indicator_results') }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
),

years_shown as (
    -- this year's values (0) and last year's values shown beside them (1)
    select 0 as years_back
    union all
    select 1 as years_back
),

all_cells as (
    -- last year's values shown beside this year's are cells too (for a to-date indicator,
    -- at a position last year may not report itself); a cell shown twice is listed once
    select distinct
        results.indicator_code,
        results.school_year - years_shown.years_back as school_year,
        results.period_type,
        results.as_of_instructional_day,
        results.breakdown_type,
        results.breakdown_value,
        results.entity_type,
        results.lea_code,
        results.school_code,
        results.student_group_code,
        results.first_group_code,
        results.second_group_code,
        results.is_intersection,
        case when years_shown.years_back = 0 then results.student_count else results.prior_student_count end
            as student_n,
        case when catalog.numerator_counts_students then cast(round(
            case when years_shown.years_back = 0 then results.numerator else results.prior_numerator end
        ) as integer) end as outcome_n
    from results
    inner join catalog
        on results.indicator_code = catalog.indicator_code
    cross join years_shown
    where years_shown.years_back = 0
        or results.prior_denominator is not null
),

described as (
    select
        {{ k12_indicator_table_id() }} as table_id,
        {{ k12_indicator_cell_id() }} as cell_id,
        all_cells.*
    from all_cells
),

final as (
    select
        described.*,
        {{ k12_primary_suppression_reason('student_n', 'outcome_n') }} as primary_suppression_reason
    from described
)

select * from final

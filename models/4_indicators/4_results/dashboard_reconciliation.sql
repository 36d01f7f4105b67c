{#-
    The district's own Chronic Absenteeism, Suspension, ELA and mathematics results beside
    the state's published Dashboard values for the same school or LEA, student group and
    year (state file rows of the district's LEAs; the reporting year of a file is the
    project's school year), for the indicators and years with a state file: numerators, denominators, status (as displayed, rounded to 0.1),
    levels and colour, with the differences. A row present on one side only is kept (the
    other side's columns empty). Empty when no state file is present.
-#}

with

state_rows as (
    select * from {{ ref('stg_cde__dashboard_rows') }}
    where record_type in ('S', 'D')
),

results as (
    select * from {{ ref('indicator_results') }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
    where has_dashboard_levels
),

leas as (
    select distinct lea_code from {{ ref('dim_school') }}
),

state_files as (
    select distinct indicator_code, reporting_year from state_rows
),

local_results as (
    -- the district's results for the indicators and years the state folder has a file for
    select
        catalog.dashboard_file_code,
        results.*
    from results
    inner join catalog
        on results.indicator_code = catalog.indicator_code
    inner join state_files
        on catalog.dashboard_file_code = state_files.indicator_code
        and results.school_year = state_files.reporting_year
    where results.period_type = 'annual'
        and results.breakdown_type = 'none'
        and not results.is_intersection
),

joined as (
    select
        coalesce(local_results.dashboard_file_code, state_rows.indicator_code) as indicator_code,
        coalesce(local_results.school_year, state_rows.reporting_year) as school_year,
        coalesce(local_results.cds_code, state_rows.cds_code) as cds_code,
        coalesce(local_results.entity_type, case when state_rows.record_type = 'S' then 'school' else 'lea' end) as entity_type,
        coalesce(local_results.lea_code, state_rows.lea_code) as lea_code,
        coalesce(local_results.school_code, state_rows.school_code) as school_code,
        coalesce(local_results.student_group_code, state_rows.student_group_code) as student_group_code,
        local_results.cds_code is not null as is_computed_locally,
        state_rows.cds_code is not null as is_published_by_state,
        local_results.numerator as local_numerator,
        local_results.denominator as local_denominator,
        local_results.rate as local_status_unrounded,
        local_results.rate_displayed as local_status,
        local_results.status_level as local_status_level,
        local_results.change_level as local_change_level,
        local_results.color_code as local_color,
        state_rows.current_numerator as state_numerator,
        state_rows.current_denominator as state_denominator,
        state_rows.current_status as state_status,
        state_rows.status_level as state_status_level,
        state_rows.change_level as state_change_level,
        state_rows.color_code as state_color,
        state_rows.source_file as state_source_file
    from local_results
    full outer join state_rows
        on local_results.dashboard_file_code = state_rows.indicator_code
        and local_results.school_year = state_rows.reporting_year
        and local_results.cds_code = state_rows.cds_code
        and local_results.student_group_code = state_rows.student_group_code
),

final as (
    select
        joined.*,
        joined.local_numerator - joined.state_numerator as numerator_difference,
        joined.local_denominator - joined.state_denominator as denominator_difference,
        joined.local_status - joined.state_status as status_difference,
        coalesce(joined.local_status_level = joined.state_status_level, false) as is_status_level_match,
        coalesce(joined.local_color = joined.state_color, false) as is_color_match
    from joined
    inner join leas
        on joined.lea_code = leas.lea_code
)

select * from final

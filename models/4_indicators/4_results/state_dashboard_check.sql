{#-
    The state's published Dashboard levels and colours beside the project's own level and
    colour logic (macro k12_dashboard_levels, the same as indicator_results) applied to the
    published values only: currstatus, change (currstatus - priorstatus when change is
    blank), currdenom, priordenom, studentgroup, rtype, type and hscutpoints; never to the
    published levels or n-size flags. Empty when no state file is present.
-#}

with

dashboard_rows as (
    select * from {{ ref('stg_cde__dashboard_rows') }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
    where has_dashboard_levels
),

status_cut_sets as (
    select distinct dashboard_indicator_code, cut_set_code from {{ ref('dashboard_status_cut_points') }}
),

student_groups as (
    select * from {{ ref('dim_student_group') }}
),

level_inputs as (
    select
        dashboard_rows.source_file,
        dashboard_rows.source_line_number,
        dashboard_rows.indicator_code,
        dashboard_rows.reporting_year,
        dashboard_rows.cds_code,
        dashboard_rows.record_type,
        dashboard_rows.type_code,
        dashboard_rows.uses_high_school_cut_points,
        dashboard_rows.is_small_denominator as is_published_small_denominator,
        dashboard_rows.student_group_code,
        dashboard_rows.status_level as published_status_level,
        dashboard_rows.change_level as published_change_level,
        dashboard_rows.color_code as published_color_code,
        dashboard_rows.current_numerator,
        dashboard_rows.prior_numerator,
        dashboard_rows.prior_status,
        dashboard_rows.indicator_code as dashboard_indicator_code,
        {{ k12_dashboard_cut_set('catalog', 'type_cut_sets.cut_set_code', 'dashboard_rows.uses_high_school_cut_points') }}
            as cut_set_code,
        dashboard_rows.current_status,
        coalesce(dashboard_rows.change_value, dashboard_rows.current_status - dashboard_rows.prior_status) as change_value,
        dashboard_rows.current_denominator,
        dashboard_rows.prior_denominator,
        coalesce(catalog.small_denominator_table_applies, false) as small_denominator_table_applies,
        student_groups.student_group_code is not null
            and not coalesce(student_groups.is_informational, false) as is_colorable_group,
        coalesce(
            case when dashboard_rows.record_type = 'S' then student_groups.school_minimum_n_for_color
                else student_groups.lea_minimum_n_for_color end,
            30) as minimum_n_for_color
    from dashboard_rows
    left join catalog
        on dashboard_rows.indicator_code = catalog.dashboard_file_code
    left join status_cut_sets as type_cut_sets
        on dashboard_rows.indicator_code = type_cut_sets.dashboard_indicator_code
        and dashboard_rows.type_code = type_cut_sets.cut_set_code
    left join student_groups
        on dashboard_rows.student_group_code = student_groups.student_group_code
),

levels as (
    {{ k12_dashboard_levels('level_inputs') }}
),

final as (
    select
        indicator_code as indicator,
        reporting_year,
        cds_code as cds,
        record_type as rtype,
        student_group_code as studentgroup,
        published_status_level,
        published_change_level,
        published_color_code as published_color,
        status_level as recomputed_status_level,
        change_level as recomputed_change_level,
        color_code as recomputed_color,
        coalesce(published_status_level, 0) = status_level as is_status_level_match,
        coalesce(published_change_level, 0) = change_level as is_change_level_match,
        coalesce(published_color_code, 0) = color_code as is_color_match,
        type_code as type,
        uses_high_school_cut_points as hscutpoints,
        cut_set_code,
        current_denominator as currdenom,
        prior_denominator as priordenom,
        current_status as currstatus,
        change_value as change_used,
        is_published_small_denominator,
        uses_small_denominator_table as is_recomputed_small_denominator,
        source_file,
        source_line_number
    from levels
)

select * from final

{#-
    The indicators of the inquiry cycle in one long table (docs/indicators.md): for each
    indicator, school year, entity (LEA or school), student group (ALL, every group of
    bridge_student_group, the configured two-way intersections), breakdown and, for in-year
    indicators, as-of date: numerator, denominator, the unrounded rate and the rate shown
    (rounded half up to 0.1), last year's values (to date: at the same position in the
    year), the change from unrounded values, the comparison with all students and with the
    other students, n-size flags and, where the state defines them, the Dashboard status
    level, change level and colour. Not for sharing: public_indicator_results is the
    suppressed copy. In a daily refresh only the in-year (to date) indicators of the latest
    school year are recomputed (incremental by indicator and school year).
-#}

{{ k12_refreshed_by_school_year(pre_hook="{{ k12_delete_refreshed_years(in_year_only=true) }}") }}

with

aggregated as (
    select * from {{ ref('int_indicator_results_aggregated') }}
    {{- k12_where_refreshed_in_year_rows(1) }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
),

schools as (
    select * from {{ ref('dim_school') }}
),

student_groups as (
    select * from {{ ref('dim_student_group') }}
),

status_cuts as (
    select * from {{ ref('dashboard_status_cut_points') }}
),

status_cut_sets as (
    select distinct dashboard_indicator_code, cut_set_code from status_cuts
),

change_cuts as (
    select * from {{ ref('dashboard_change_cut_points') }}
),

color_codes as (
    select * from {{ ref('dashboard_color_codes') }}
),

leas as (
    select lea_code, max(lea_type_code) as lea_type_code, max(district_name) as district_name
    from schools
    group by lea_code
),

rated as (
    select
        aggregated.*,
        catalog.rate_unit,
        catalog.is_additive,
        catalog.has_dashboard_levels,
        catalog.dashboard_file_code,
        catalog.small_denominator_table_applies,
        catalog.dashboard_cut_set_basis,
        catalog.dashboard_default_cut_set,
        catalog.dashboard_high_school_cut_set,
        case
            when aggregated.denominator > 0 and catalog.rate_unit = 'percent'
                then 100.0 * aggregated.numerator / aggregated.denominator
            when aggregated.denominator > 0
                then aggregated.numerator / aggregated.denominator
        end as rate
    from aggregated
    inner join catalog
        on aggregated.indicator_code = catalog.indicator_code
),

with_prior as (
    select
        rated.*,
        prior.numerator as prior_numerator,
        prior.denominator as prior_denominator,
        prior.student_count as prior_student_count,
        prior.rate as prior_rate
    from rated
    left join rated as prior
        on {{ k12_same_indicator_cell('rated', 'prior', {'school_year': 'rated.school_year - 1 = prior.school_year'}) }}
    where rated.is_reported_as_of
),

with_all_students as (
    select
        with_prior.*,
        all_students.numerator as all_students_numerator,
        all_students.denominator as all_students_denominator,
        all_students.rate as all_students_rate
    from with_prior
    left join rated as all_students
        on {{ k12_same_indicator_cell('with_prior', 'all_students', {'student_group_code': "all_students.student_group_code = 'ALL'"}) }}
),

described as (
    select
        with_all_students.*,
        case when with_all_students.entity_type = 'school'
            then {{ k12_school_key('with_all_students.lea_code', 'with_all_students.school_code') }}
        end as school_key,
        case when with_all_students.entity_type = 'school'
            then coalesce(schools.cds_code, {{ dbt.concat(['with_all_students.lea_code', 'with_all_students.school_code']) }})
            else {{ dbt.concat(['with_all_students.lea_code', "'0000000'"]) }}
        end as cds_code,
        case when with_all_students.entity_type = 'school' then schools.school_name else leas.district_name end as entity_name,
        case when with_all_students.entity_type = 'school' then schools.school_type_code else leas.lea_type_code end as entity_type_code,
        (with_all_students.entity_type = 'school' and schools.school_type_code = 'HS')
            or (with_all_students.entity_type = 'lea' and leas.lea_type_code = 'HD') as uses_high_school_cut_points,
        coalesce(student_groups.is_informational, false) as is_informational_group,
        student_groups.student_group_code is not null
            and not coalesce(student_groups.is_informational, false) as is_colorable_group,
        case
            when with_all_students.entity_type = 'lea' then student_groups.lea_minimum_n_for_color
            else student_groups.school_minimum_n_for_color
        end as minimum_n_for_color,
        case when with_all_students.has_dashboard_levels then with_all_students.denominator else with_all_students.student_count end
            as n_size
    from with_all_students
    left join schools
        on {{ k12_same_school('with_all_students', 'schools') }}
    left join leas
        on with_all_students.lea_code = leas.lea_code
    left join student_groups
        on with_all_students.student_group_code = student_groups.student_group_code
),

level_inputs as (
    select
        described.*,
        case when described.has_dashboard_levels then described.dashboard_file_code end as dashboard_indicator_code,
        case when described.has_dashboard_levels then
            {{ k12_dashboard_cut_set('described', 'type_cut_sets.cut_set_code', 'described.uses_high_school_cut_points') }}
        end as cut_set_code,
        described.rate as current_status,
        described.rate - described.prior_rate as change_value,
        described.denominator as current_denominator
    from described
    left join status_cut_sets as type_cut_sets
        on described.dashboard_file_code = type_cut_sets.dashboard_indicator_code
        and described.entity_type_code = type_cut_sets.cut_set_code
),

levels as (
    {{ k12_dashboard_levels('level_inputs') }}
),

named as (
    select
        levels.indicator_code,
        levels.school_year,
        levels.period_type,
        levels.as_of_date,
        levels.as_of_instructional_day,
        levels.entity_type,
        levels.lea_code,
        levels.school_code,
        levels.school_key,
        levels.cds_code,
        levels.entity_name,
        levels.entity_type_code,
        levels.student_group_code,
        levels.student_group_rule_set,
        levels.first_group_code,
        levels.second_group_code,
        levels.is_intersection,
        levels.is_informational_group,
        levels.breakdown_type,
        levels.breakdown_value,
        levels.rate_unit,
        levels.numerator,
        levels.denominator,
        levels.student_count,
        levels.event_count,
        levels.rate,
        {{ k12_round_half_up('levels.rate', 1) }} as rate_displayed,
        levels.participation_enrolled,
        levels.participation_tested,
        levels.participation_rate,
        levels.participation_penalty_records,
        levels.prior_numerator,
        levels.prior_denominator,
        levels.prior_student_count,
        levels.prior_rate,
        {{ k12_round_half_up('levels.prior_rate', 1) }} as prior_rate_displayed,
        levels.change_value as change,
        levels.change_for_level as change_displayed,
        levels.all_students_rate,
        levels.rate - levels.all_students_rate as gap_to_all_students,
        case
            when levels.is_additive and levels.student_group_code <> 'ALL'
                and levels.all_students_denominator - levels.denominator > 0
                then (levels.all_students_numerator - levels.numerator) / (levels.all_students_denominator - levels.denominator)
                    * case when levels.rate_unit = 'percent' then 100.0 else 1.0 end
        end as other_students_rate,
        levels.n_size,
        levels.n_size >= {{ var('k12:dashboard_display_minimum_n') }} as meets_display_minimum,
        levels.minimum_n_for_color,
        levels.is_colorable_group
            and levels.n_size >= levels.minimum_n_for_color
            and coalesce(levels.prior_denominator, 0) >= levels.minimum_n_for_color as meets_color_minimum,
        levels.cut_set_code as dashboard_cut_set_code,
        levels.uses_small_denominator_table,
        levels.status_level,
        status_cuts.status_level_name,
        levels.change_level,
        change_cuts.change_level_name,
        levels.color_code,
        color_codes.color_name
    from levels
    left join status_cuts
        on levels.dashboard_indicator_code = status_cuts.dashboard_indicator_code
        and levels.cut_set_code = status_cuts.cut_set_code
        and levels.status_level = status_cuts.status_level
    left join change_cuts
        on levels.dashboard_indicator_code = change_cuts.dashboard_indicator_code
        and levels.cut_set_code = change_cuts.cut_set_code
        and levels.change_level = change_cuts.change_level
    left join color_codes
        on levels.color_code = color_codes.color_code
),

final as (
    select
        named.*,
        named.rate - named.other_students_rate as gap_to_other_students,
        case when named.rate_unit = 'percent' and named.other_students_rate > 0
            then named.rate / named.other_students_rate
        end as risk_ratio_to_other_students
    from named
    {%- if is_incremental() %}
    where {{ k12_in_daily_refresh_years('named.school_year') }}
    {%- endif %}
)

select * from final

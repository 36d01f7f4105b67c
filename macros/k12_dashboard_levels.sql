{#-
    Dashboard status level, change level and colour for each row of `relation` (a CTE), by
    the rules of the 2025 Dashboard Technical Guide (docs/indicators.md), with the codes of
    the state's downloadable files (levels 1 = worst ... 5 = best, colour 1 Red ... 5 Blue,
    0 = none). The same macro classifies the project's own results and the rows of the
    state's files (state_dashboard_check), so the two use one logic.

    `relation` must have: dashboard_indicator_code (NULL: no levels), cut_set_code,
    current_status and change_value (unrounded, or as published), current_denominator,
    prior_denominator, small_denominator_table_applies, is_colorable_group (false for the
    informational and unknown groups), minimum_n_for_color (30; 15 for HOM, FOS, LTEL at
    LEA level).

    - status and change are rounded half up to 0.1, then classified (seeds
      dashboard_status_cut_points, dashboard_change_cut_points);
    - no status level (0) under var k12:dashboard_display_minimum_n (11) students; no
      change level without a prior status of 11+ students;
    - the 3x5 table when the indicator uses it and the current denominator is under var
      k12:dashboard_small_denominator (150): Increased/Declined Significantly become
      Increased/Declined (reported so when var k12:dashboard_3x5_collapses_change_level);
    - a colour only when both years' denominators reach minimum_n_for_color and the group
      is colorable.
    Adds: status_for_level, change_for_level, uses_small_denominator_table, status_level,
    change_level, color_code.
-#}
{% macro k12_dashboard_levels(relation) %}
{%- set display_minimum = var('k12:dashboard_display_minimum_n') -%}
select
    classified.*,
    case
        when classified.dashboard_indicator_code is null then null
        when classified.status_level = 0 or classified.change_level = 0 then 0
        when not classified.is_colorable_group then 0
        when classified.current_denominator < classified.minimum_n_for_color then 0
        when coalesce(classified.prior_denominator, 0) < classified.minimum_n_for_color then 0
        else coalesce(dashboard_colors.color_code, 0)
    end as color_code
from (
    select
        with_status.*,
        case
            when with_status.dashboard_indicator_code is null then null
            when with_status.status_level = 0 then 0
            when with_status.change_for_level is null then 0
            when coalesce(with_status.prior_denominator, 0) < {{ display_minimum }} then 0
            when change_cuts.change_level is null then 0
            when with_status.uses_small_denominator_table
                and {{ 'true' if var('k12:dashboard_3x5_collapses_change_level') else 'false' }}
                then case change_cuts.change_level when 1 then 2 when 5 then 4 else change_cuts.change_level end
            else change_cuts.change_level
        end as change_level,
        case
            when with_status.uses_small_denominator_table
                then case change_cuts.change_level when 1 then 2 when 5 then 4 else change_cuts.change_level end
            else change_cuts.change_level
        end as change_level_for_color
    from (
        select
            rounded.*,
            case
                when rounded.dashboard_indicator_code is null then null
                when rounded.status_for_level is null then 0
                when coalesce(rounded.current_denominator, 0) < {{ display_minimum }} then 0
                else coalesce(status_cuts.status_level, 0)
            end as status_level
        from (
            select
                {{ relation }}.*,
                {{ k12_round_half_up(relation ~ '.current_status', 1) }} as status_for_level,
                {{ k12_round_half_up(relation ~ '.change_value', 1) }} as change_for_level,
                coalesce({{ relation }}.small_denominator_table_applies, false)
                    and {{ relation }}.current_denominator < {{ var('k12:dashboard_small_denominator') }}
                    as uses_small_denominator_table
            from {{ relation }}
        ) as rounded
        left join {{ ref('dashboard_status_cut_points') }} as status_cuts
            on rounded.dashboard_indicator_code = status_cuts.dashboard_indicator_code
            and rounded.cut_set_code = status_cuts.cut_set_code
            and rounded.status_for_level >= coalesce(status_cuts.min_status, rounded.status_for_level)
            and rounded.status_for_level <= coalesce(status_cuts.max_status, rounded.status_for_level)
    ) as with_status
    left join {{ ref('dashboard_change_cut_points') }} as change_cuts
        on with_status.dashboard_indicator_code = change_cuts.dashboard_indicator_code
        and with_status.cut_set_code = change_cuts.cut_set_code
        and with_status.change_for_level >= coalesce(change_cuts.min_change, with_status.change_for_level)
        and with_status.change_for_level <= coalesce(change_cuts.max_change, with_status.change_for_level)
) as classified
left join {{ ref('dashboard_colors') }} as dashboard_colors
    on classified.dashboard_indicator_code = dashboard_colors.dashboard_indicator_code
    and dashboard_colors.table_variant = case when classified.uses_small_denominator_table then '3x5' else '5x5' end
    and classified.status_level = dashboard_colors.status_level
    and classified.change_level_for_color = dashboard_colors.change_level
{% endmacro %}

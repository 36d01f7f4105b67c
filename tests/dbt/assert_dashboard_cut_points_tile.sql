{#-
    The Dashboard cut-point seeds cover every value once at 0.1 resolution: in each
    indicator and cut set, five levels numbered 1-5, one open at the bottom and one at the
    top, each level starting 0.1 above the previous one's end, ordered by level in the
    direction of the indicator. Returns the sets or bounds that break this.
-#}
{{ config(meta={'what': 'Gaps or overlaps in seeds dashboard_status_cut_points / dashboard_change_cut_points',
                'how_to_resolve': 'Correct the seed: bounds are inclusive and rounded to 0.1.'}) }}

with

bounds as (
    select 'status' as seed, dashboard_indicator_code, cut_set_code, status_level as level, min_status as lower_bound, max_status as upper_bound
    from {{ ref('dashboard_status_cut_points') }}
    union all
    select 'change' as seed, dashboard_indicator_code, cut_set_code, change_level as level, min_change as lower_bound, max_change as upper_bound
    from {{ ref('dashboard_change_cut_points') }}
),

ordered as (
    select
        bounds.*,
        row_number() over (partition by seed, dashboard_indicator_code, cut_set_code
            order by coalesce(lower_bound, -1e9)) as position,
        lag(upper_bound) over (partition by seed, dashboard_indicator_code, cut_set_code
            order by coalesce(lower_bound, -1e9)) as previous_upper_bound,
        lag(level) over (partition by seed, dashboard_indicator_code, cut_set_code
            order by coalesce(lower_bound, -1e9)) as previous_level,
        count(*) over (partition by seed, dashboard_indicator_code, cut_set_code) as levels
    from bounds
)

select *
from ordered
where levels <> 5
    or (position = 1 and lower_bound is not null)
    or (position = 5 and upper_bound is not null)
    or (position > 1 and abs(lower_bound - previous_upper_bound - 0.1) > 1e-9)
    or (lower_bound > upper_bound)
    or (position > 1 and abs(level - previous_level) <> 1)

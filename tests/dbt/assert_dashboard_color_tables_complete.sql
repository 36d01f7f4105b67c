{#-
    Every Dashboard colour table is complete: 25 cells for a 5x5 table, 15 for a 3x5 table
    (change levels 2-4), colours 1-5, and a 3x5 table only for indicators whose catalog row
    says the small-denominator table applies. Returns the incomplete tables.
-#}
{{ config(meta={'what': 'Incomplete colour tables in seed dashboard_colors',
                'how_to_resolve': 'Add the missing status x change cells to the seed.'}) }}

with

colors as (
    select * from {{ ref('dashboard_colors') }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
    where has_dashboard_levels
),

tables as (
    select
        dashboard_indicator_code,
        table_variant,
        count(*) as cells,
        count(distinct {{ dbt.concat(["cast(status_level as " ~ dbt.type_string() ~ ")", "'-'", "cast(change_level as " ~ dbt.type_string() ~ ")"]) }}) as distinct_cells,
        min(color_code) as lowest_color,
        max(color_code) as highest_color,
        min(change_level) as lowest_change_level,
        max(change_level) as highest_change_level
    from colors
    group by dashboard_indicator_code, table_variant
),

expected as (
    select dashboard_file_code as dashboard_indicator_code, '5x5' as table_variant from catalog
    union all
    select dashboard_file_code as dashboard_indicator_code, '3x5' as table_variant from catalog
    where small_denominator_table_applies
)

select expected.dashboard_indicator_code, expected.table_variant, tables.cells
from expected
left join tables
    on expected.dashboard_indicator_code = tables.dashboard_indicator_code
    and expected.table_variant = tables.table_variant
where tables.cells is null
    or tables.cells <> tables.distinct_cells
    or tables.lowest_color < 1 or tables.highest_color > 5
    or (expected.table_variant = '5x5' and (tables.cells <> 25 or tables.lowest_change_level <> 1 or tables.highest_change_level <> 5))
    or (expected.table_variant = '3x5' and (tables.cells <> 15 or tables.lowest_change_level <> 2 or tables.highest_change_level <> 4))

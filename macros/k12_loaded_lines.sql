{#-
    The CTEs that keep, of a base model's lines, those that load into staging, ending in
    `loaded_lines`: the lines without an exclusion reason (k12_exclusion_reason), and of an
    exact duplicate (same file, same row_hash) only the first copy. `duplicate_groups` is an
    aggregate over two columns, not a window over whole rows, so it stays cheap on the
    largest extract; staging_file_reconciliation counts the copies dropped.
-#}
{% macro k12_loaded_lines(relation) -%}
loadable as (
    select * from {{ relation }}
    where exclusion_reason is null
),

duplicate_groups as (
    select
        source_file,
        row_hash,
        min(source_line_number) as first_source_line_number
    from loadable
    group by source_file, row_hash
    having count(*) > 1
),

loaded_lines as (
    select loadable.*
    from loadable
    left join duplicate_groups
        on loadable.source_file = duplicate_groups.source_file
        and loadable.row_hash = duplicate_groups.row_hash
    where duplicate_groups.row_hash is null
        or loadable.source_line_number = duplicate_groups.first_source_line_number
),
{%- endmacro %}

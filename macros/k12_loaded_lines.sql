{#-
    The CTE that keeps, of a base model's lines, those that load into staging, ending in
    `loaded_lines`: the lines without an exclusion reason (k12_exclusion_reason), and of an
    exact duplicate (same file, same row_hash) only the first copy (the base model flags
    the later copies, is_exact_duplicate_copy; staging_file_reconciliation counts them).
-#}
{% macro k12_loaded_lines(relation) -%}
loaded_lines as (
    select * from {{ relation }}
    where exclusion_reason is null
        and not is_exact_duplicate_copy
),
{%- endmacro %}

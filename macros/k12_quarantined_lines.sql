{#-
    The lines the last `k12 check` quarantined, one row per line whatever the number of rules
    it failed (source k12_check.dq_quarantine has a row per line and rule). Base models read
    it straight from the source (a staging model reads sources, never another staging
    model), and leave those lines out while the file's fingerprint still matches.
-#}
{% macro k12_quarantined_lines() -%}
    select distinct
        source_file,
        file_fingerprint,
        source_line_number
    from {{ source('k12_check', 'dq_quarantine') }}
{%- endmacro %}

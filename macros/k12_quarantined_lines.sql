{#- The lines the last `k12 check` quarantined (raw.dq_quarantine has a row per line and failed
    rule), once each: a base model leaves them out while the file's fingerprint matches. -#}
{% macro k12_quarantined_lines() -%}
    select distinct
        source_file,
        file_fingerprint,
        source_line_number
    from {{ source('k12_check', 'dq_quarantine') }}
{%- endmacro %}

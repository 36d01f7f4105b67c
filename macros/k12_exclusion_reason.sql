{#-
    Why a raw line cannot reach staging, in order of precedence; NULL when it can.
    quarantined: `k12 check` set the line aside (and the file is unchanged since);
    malformed_line: the line's field count differs from the header's;
    untyped_value: a value could not be read as its type;
    missing_key_value: a column of the extract's key (seeds/contract/extracts.csv) is blank.
    (Exact duplicates are dropped in staging; see k12_loaded_lines.)
-#}
{% macro k12_exclusion_reason(is_quarantined, is_malformed_line, untyped_columns, missing_key_columns) -%}
    case
        when {{ is_quarantined }} then 'quarantined'
        when {{ is_malformed_line }} then 'malformed_line'
        when {{ untyped_columns }} <> '' then 'untyped_value'
        when {{ missing_key_columns }} <> '' then 'missing_key_value'
    end
{%- endmacro %}

{#-
    A raw text value read as its contract data_type (seeds/contract/extract_columns.csv):
    date (k12_parse_date), decimal (double) and integer (k12_to_number), flag (Y/N, either
    case, as a boolean), code (upper-cased; the caller maps it through code_aliases); every
    other type (text, ssid, CDS codes, academic year) stays text as written. NULL when the
    text does not fit the type, which k12_untyped_columns reports.
-#}
{% macro k12_typed_value(data_type, value) -%}
    {%- if data_type == 'date' -%}
        {{ k12_parse_date(value) }}
    {%- elif data_type == 'decimal' -%}
        {{ k12_to_number(value) }}
    {%- elif data_type == 'integer' -%}
        {{ k12_to_number(value, 'integer') }}
    {%- elif data_type == 'flag' -%}
        case upper({{ value }}) when 'Y' then true when 'N' then false end
    {%- elif data_type == 'code' -%}
        upper({{ value }})
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}

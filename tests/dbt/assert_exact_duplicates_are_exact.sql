{#-
    Staging drops a line when an earlier loadable line of the same file has the same row
    hash (the base model flags it, is_exact_duplicate_copy). This proves each flagged line
    really repeats the values of its group (a hash collision would show up here instead of
    silently dropping a different row). Only flagged lines and their groups are read, so
    the test stays cheap on the largest extract.
-#}
{% for extract in k12_staged_extracts() %}
{%- set columns = adapter.get_columns_in_relation(ref(extract.staging)) | map(attribute='name')
    | reject('in', ['source_file', 'school_year', 'source_line_number']) | list -%}
select
    '{{ extract.extract_code }}' as extract_code,
    copies.source_file,
    copies.row_hash
from (
    select distinct source_file, row_hash
    from {{ ref(extract.base) }}
    where is_exact_duplicate_copy
) as copies
inner join {{ ref(extract.base) }} as lines
    on copies.source_file = lines.source_file
    and copies.row_hash = lines.row_hash
where lines.exclusion_reason is null
group by copies.source_file, copies.row_hash
having count(distinct {{ k12_row_text(columns, 'lines.') }}) > 1
{{ "union all" if not loop.last }}
{% endfor %}

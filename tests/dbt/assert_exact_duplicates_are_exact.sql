{#-
    Staging drops a line when an earlier line of the same file has the same row hash.
    This proves each such group really holds identical values (a hash collision would
    show up here instead of silently dropping a different row).
-#}
{% for extract in k12_staged_extracts() %}
{%- set columns = adapter.get_columns_in_relation(ref(extract.staging)) | map(attribute='name')
    | reject('in', ['source_file', 'school_year', 'source_line_number']) | list -%}
select
    '{{ extract.extract_code }}' as extract_code,
    groups.source_file,
    groups.row_hash
from (
    select source_file, row_hash
    from {{ ref(extract.base) }}
    where exclusion_reason is null
    group by source_file, row_hash
    having count(*) > 1
) as groups
inner join {{ ref(extract.base) }} as lines
    on groups.source_file = lines.source_file
    and groups.row_hash = lines.row_hash
group by groups.source_file, groups.row_hash
having count(distinct {{ k12_row_text(columns, 'lines.') }}) > 1
{{ "union all" if not loop.last }}
{% endfor %}

{#-
    Every raw file: the lines read, the lines that loaded into staging, and each reason
    the others did not. Exact duplicates are the later copies the base model flags
    (is_exact_duplicate_copy); assert_exact_duplicates_are_exact proves each flagged group
    holds identical values, and assert_staging_reconciles_with_raw_files that the parts add
    up to the lines of the landed files. Grain: one row per raw file.
    In a daily refresh only the new or changed ATTENDANCE files are counted (incremental
    by file); rows of removed attendance files are deleted.
-#}

{{ k12_refreshed_by_file('ATTENDANCE', 'extract_code') }}

{%- set extracts = k12_staged_extracts() %}
{%- if is_incremental() %}
{%- set extracts = extracts | selectattr('extract_code', 'equalto', 'ATTENDANCE') | list %}
{%- set new_files = k12_unloaded_files_predicate('ATTENDANCE', this) %}
{%- endif %}

with

{% for extract in extracts %}
{{ extract.extract_code | lower }}_read as (
    select
        '{{ extract.extract_code }}' as extract_code,
        source_file,
        school_year,
        count(*) as rows_read,
        sum(case when exclusion_reason = 'quarantined' then 1 else 0 end) as rows_quarantined,
        sum(case when exclusion_reason = 'malformed_line' then 1 else 0 end) as rows_malformed,
        sum(case when exclusion_reason = 'untyped_value' then 1 else 0 end) as rows_untyped,
        sum(case when exclusion_reason = 'missing_key_value' then 1 else 0 end) as rows_missing_key_value,
        sum(case when exclusion_reason is null and is_exact_duplicate_copy then 1 else 0 end) as rows_exact_duplicate,
        max(file_fingerprint) as file_fingerprint
    from {{ ref(extract.base) }}
    {%- if is_incremental() %}
    where {{ new_files }}
    {%- endif %}
    group by source_file, school_year
),

{{ extract.extract_code | lower }}_loaded as (
    select
        source_file,
        count(*) as rows_loaded
    from {{ ref(extract.staging) }}
    {%- if is_incremental() %}
    where {{ new_files }}
    {%- endif %}
    group by source_file
),

{% endfor %}
files as (
{% for extract in extracts %}
    select
        {{ extract.extract_code | lower }}_read.*,
        coalesce({{ extract.extract_code | lower }}_loaded.rows_loaded, 0) as rows_loaded
    from {{ extract.extract_code | lower }}_read
    left join {{ extract.extract_code | lower }}_loaded
        on {{ extract.extract_code | lower }}_read.source_file = {{ extract.extract_code | lower }}_loaded.source_file
    {{ "union all" if not loop.last }}
{% endfor %}
),

final as (
    select
        extract_code,
        source_file,
        school_year,
        rows_read,
        rows_loaded,
        rows_quarantined,
        rows_malformed,
        rows_untyped,
        rows_missing_key_value,
        rows_exact_duplicate,
        rows_read - rows_loaded as rows_not_loaded,
        file_fingerprint
    from files
)

select * from final

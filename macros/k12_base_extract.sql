{#-
    The CTEs of a base model after its `source` CTE (the extract's raw lines), generated
    column by column from the extract contract (k12_extract_contract), and ending in `final`:

      typed    every contract column renamed to its staging name and read as its data_type
               (k12_typed_value); a code mapped through code_aliases when the seed maps its
               code set; a typed column keeps its text as `<column>__text`; row_hash hashes
               the line's raw values in file order (exact-duplicate detection in staging);
      checked  untyped_columns (typed values that failed their type), missing_key_columns
               (the extract's key columns that are blank) and is_quarantined (the last
               `k12 check` set the line aside, k12_quarantined_lines);
      first_copies  of each exact duplicate (same file, same row_hash), the first line
               the check did not quarantine (a hash aggregate over the raw lines; exact
               copies share every other exclusion reason, so this is the first loadable copy).
               Only in files the last check did not validate (dq_checked_files): in a checked
               file, the unique_key rule has quarantined every later copy already;
      final    the `__text` columns kept only where the value failed its type, the
               exclusion_reason (k12_exclusion_reason) and is_exact_duplicate_copy (a later
               copy of a loadable line: staging drops it, staging_file_reconciliation counts it).

    The columns come in contract order after the five columns every raw line carries.
-#}
{% macro k12_base_extract(extract_code) -%}
    {%- set contract = k12_extract_contract(extract_code) -%}
    {%- set line_columns = ['source_file', 'school_year', 'source_line_number', 'file_fingerprint', 'is_malformed_line'] -%}
    {%- set aliased = contract.columns | selectattr('has_code_aliases') | list -%}
    {%- set typed_columns = contract.columns | selectattr('is_typed') | map(attribute='staging_column') | list -%}
    {%- set raw_values = [] -%}
    {%- for column in contract.columns -%}
        {%- do raw_values.append('source.' ~ column.raw_column) -%}
    {%- endfor -%}

quarantined_lines as (
    {{ k12_quarantined_lines() }}
),
{%- if aliased %}

code_aliases as (
    select * from {{ ref('code_aliases') }}
),
{%- endif %}
{%- for column in aliased %}

{{ column.staging_column }}_aliases as (
    select local_code, code from code_aliases where code_set = '{{ column.code_set }}'
),
{%- endfor %}

typed as (
    select
        {%- for line_column in line_columns %}
        source.{{ line_column }},
        {%- endfor %}
        {%- for column in contract.columns %}
        {%- set value = 'source.' ~ column.raw_column %}
        {%- if column.has_code_aliases %}
        coalesce({{ column.staging_column }}_aliases.code, {{ k12_typed_value(column.data_type, value) }}) as {{ column.staging_column }},
        {%- else %}
        {{ k12_typed_value(column.data_type, value) }} as {{ column.staging_column }},
        {%- endif %}
        {%- if column.is_typed %}
        {{ value }} as {{ column.staging_column }}__text,
        {%- endif %}
        {%- endfor %}
        {{ k12_row_hash(raw_values) }} as row_hash
    from source
    {%- for column in aliased %}
    left join {{ column.staging_column }}_aliases
        on upper(source.{{ column.raw_column }}) = {{ column.staging_column }}_aliases.local_code
    {%- endfor %}
),

checked_files as (
    select source_file, file_fingerprint from {{ source('k12_check', 'dq_checked_files') }}
),

line_hashes as (
    -- the lines of the files the last check did not validate at their current fingerprint:
    -- in a checked file the unique_key rule quarantined every later exact copy already
    select
        source.source_file,
        source.source_line_number,
        source.file_fingerprint,
        {{ k12_row_hash(raw_values) }} as row_hash
    from source
    left join checked_files
        on source.source_file = checked_files.source_file
        and source.file_fingerprint = checked_files.file_fingerprint
    where checked_files.source_file is null
),

first_copies as (
    select
        line_hashes.source_file,
        line_hashes.row_hash,
        min(line_hashes.source_line_number) as first_source_line_number
    from line_hashes
    left join quarantined_lines
        on {{ k12_same_source_line('line_hashes', 'quarantined_lines') }}
    where quarantined_lines.source_line_number is null
    group by line_hashes.source_file, line_hashes.row_hash
    having count(*) > 1
),

checked as (
    select
        typed.*,
        coalesce(typed.source_line_number > first_copies.first_source_line_number, false) as is_later_copy,
        {{ k12_untyped_columns(typed_columns) }} as untyped_columns,
        {{ k12_missing_columns(contract.key_columns) }} as missing_key_columns,
        quarantined_lines.source_line_number is not null as is_quarantined
    from typed
    left join quarantined_lines
        on {{ k12_same_source_line('typed', 'quarantined_lines') }}
    left join first_copies
        on typed.source_file = first_copies.source_file
        and typed.row_hash = first_copies.row_hash
),

final as (
    select
        {%- for line_column in line_columns %}
        {{ line_column }},
        {%- endfor %}
        {%- for column in contract.columns %}
        {{ column.staging_column }},
        {%- if column.is_typed %}
        case when {{ column.staging_column }} is null then {{ column.staging_column }}__text end as {{ column.staging_column }}__text,
        {%- endif %}
        {%- endfor %}
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason,
        is_later_copy and not is_quarantined as is_exact_duplicate_copy
    from checked
)
{%- endmacro %}

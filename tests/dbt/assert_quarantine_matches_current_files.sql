{#-
    The quarantine of the last `k12 check` applies to the files as they were then. When
    a file has changed since (another size or modification time), its quarantined lines
    no longer match and bad rows could load: run `k12 check` (or `k12 build`) again.
-#}
{% set extracts = k12_staged_extracts() %}
with

current_files as (
{% for extract in extracts %}
    select distinct source_file, file_fingerprint from {{ ref(extract.base) }}
    {{ "union all" if not loop.last }}
{% endfor %}
),

quarantined_files as (
    select distinct source_file, file_fingerprint
    from {{ ref('stg_k12_check__quarantined_lines') }}
)

select
    quarantined_files.source_file,
    quarantined_files.file_fingerprint as checked_fingerprint,
    current_files.file_fingerprint as current_fingerprint
from quarantined_files
left join current_files
    on quarantined_files.source_file = current_files.source_file
where current_files.file_fingerprint is null
    or current_files.file_fingerprint <> quarantined_files.file_fingerprint

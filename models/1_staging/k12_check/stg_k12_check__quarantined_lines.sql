with

quarantine as (
    select * from {{ source('k12_check', 'dq_quarantine') }}
),

final as (
    select distinct
        source_file,
        file_fingerprint,
        source_line_number
    from quarantine
)

select * from final

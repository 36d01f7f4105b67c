{#- The lines the last `k12 check` quarantined (macro k12_quarantined_lines, which the base
    models read). Grain: one row per quarantined line. -#}

with

quarantined_lines as (
    {{ k12_quarantined_lines() }}
),

final as (
    select * from quarantined_lines
)

select * from final

{#-
    The lines the last `k12 check` quarantined, once each (raw.dq_quarantine has a row per
    line and failed rule). Base models read the same lines from the source through
    k12_quarantined_lines (a staging model reads no other staging model); this view is
    what the dbt test assert_quarantine_matches_current_files checks.
    Grain: one row per quarantined line.
-#}

with

final as (
    {{ k12_quarantined_lines() }}
)

select * from final

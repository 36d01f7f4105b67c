{#-
    For every raw file: lines read = lines loaded + quarantined + malformed + untyped
    + missing key value + exact duplicates. No line disappears without a reason.
-#}
select *
from {{ ref('staging_file_reconciliation') }}
where rows_read <> rows_loaded + rows_quarantined + rows_malformed + rows_untyped
    + rows_missing_key_value + rows_exact_duplicate

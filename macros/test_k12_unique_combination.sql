{#-
    Generic test: the combination of columns is unique (the grain of a model without a
    single key). A hash pre-pass keeps it cheap on the largest facts: one aggregate over a
    64-bit hash of the columns finds the hashes that occur more than once, and only the rows
    with those hashes are grouped by their real values (so a hash collision is never
    reported as a duplicate). A null value compares equal to another null, as in GROUP BY.
-#}
{% test k12_unique_combination(model, combination_of_columns) %}
with

hashed as (
    select {{ k12_row_hash(combination_of_columns) }} as combination_hash
    from {{ model }}
),

repeated_hashes as (
    select combination_hash
    from hashed
    group by combination_hash
    having count(*) > 1
),

candidates as (
    select {{ combination_of_columns | join(', ') }}
    from {{ model }}
    where {{ k12_row_hash(combination_of_columns) }} in (select combination_hash from repeated_hashes)
),

final as (
    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as occurrences
    from candidates
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
)

select * from final
{% endtest %}

{{ config(tags=['daily_refresh']) }}
{#-
    Public suppression (docs/indicators.md), by the project's one suppression engine (macro
    k12_suppression_engine, which the notebooks run too: docs/privacy.md): primary
    suppression (int_public_cells_listed), then complementary suppression until no relation of int_public_relations_listed lets a
    blanked cell, or a small total, be recovered by subtraction (macros
    k12_suppression_relation_totals, k12_suppression_judged). Each pass blanks, in every
    violated relation, a published child (the parent when every child is blanked): first one
    whose blanking leaves no small total to reveal, then the one that opens the fewest
    relations still without an unknown (so chains of complements stay short), then the one
    that helps most (students with the outcome when those are short) or has the fewest
    students. The passes are incremental: a relation's counters are updated with
    the cells the pass blanked, so a pass costs little and var k12:suppression_max_passes
    passes are unrolled. If a table still has a violated relation after the last pass (a
    chain longer than the passes), every cell of that table is blanked: the result is safe
    whatever the number of passes (int_public_suppression_checked re-judges it and a test
    fails on any violation).
-#}

with

listed_cells as (
    select * from {{ ref('int_public_cells_listed') }}
),

listed_relations as (
    select * from {{ ref('int_public_relations_listed') }}
),

final as (
    {{ k12_suppression_engine('listed_cells', 'listed_relations') }}
)

select * from final

{#-
    The two ways a model takes part in the daily refresh (`k12 refresh`, docs/performance.md);
    each sets the model's config (call it at the top of the model instead of `config()`).
    In a full build both are ordinary tables (full_refresh unless the run is a daily refresh).

    - k12_refreshed_by_school_year(pre_hook): incremental append; the pre-hook (one of
      k12_delete_refreshed_years(...)) deletes the school years the refresh recomputes, and
      the model's `is_incremental()` filter selects the same years.
    - k12_refreshed_by_file(extract_code, extract_code_column): incremental by source file
      (delete+insert on source_file: a changed file replaces its rows), and a post-hook that
      deletes the rows of files no longer in the extracts folder.
-#}
{% macro k12_refreshed_by_school_year(pre_hook) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook=pre_hook,
        full_refresh=k12_full_refresh_unless_daily(),
        tags=['daily_refresh'],
    ) }}
{%- endmacro %}

{% macro k12_refreshed_by_file(extract_code, extract_code_column=none) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='source_file',
        full_refresh=k12_full_refresh_unless_daily(),
        post_hook="{{ k12_delete_removed_files('" ~ extract_code ~ "'" ~ (", '" ~ extract_code_column ~ "'" if extract_code_column else "") ~ ") }}",
        tags=['daily_refresh'],
    ) }}
{%- endmacro %}

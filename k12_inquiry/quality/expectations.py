"""The project's custom Great Expectations expectations (pandas, vectorised).

Importing this module registers them with GX, so import it before loading a suite.

- `expect_column_values_to_parse_as_contract_type`: each non-null value is a well-formed
  value of its contract data type (a 10-digit SSID, a calendar date in one of the
  `k12:date_formats`, a number...). GX's own `expect_column_values_to_match_strftime_format`
  loops over rows in Python; this one parses the distinct values of a column once.
- `expect_column_values_to_be_in_code_set`: each non-null value, upper-cased, is one of the
  accepted spellings of a code set (the seed's codes and their local spellings in
  seeds/codes/code_aliases.csv), as the staging models read codes. Checked on the distinct
  values of a column.
- `expect_compound_columns_to_not_repeat_earlier_rows`: no row repeats the values of the key
  columns of an earlier row. Unlike `expect_compound_columns_to_be_unique`, the first
  occurrence is expected and only the later copies are unexpected, which is what the
  quarantine needs (the first copy loads). Rows must be in file order within the batch, and
  every copy of a key must be in the same batch: `validate.py` chunks by a hash of the key.
  With ignore_row_if="never", blank values compare equal, like any value.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Optional

import pandas as pd

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnMapExpectation,
    MulticolumnMapExpectation,
    render_suite_parameter_string,
)
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    MulticolumnMapMetricProvider,
    column_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer

from k12_inquiry.quality import contract_types

ContractDataType = Literal["cds_lea", "cds_school", "cds_code", "ssid", "academic_year",
                           "integer", "decimal", "flag", "date"]


class ColumnValuesParseAsContractType(ColumnMapMetricProvider):
    condition_metric_name = "column_values.parse_as_contract_type"
    condition_value_keys = ("data_type",)
    # Blank values pass here (the not-null expectation reports them), so GX need not copy the
    # whole batch without them before every metric of this expectation.
    filter_column_isnull = False

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, data_type: str, **kwargs) -> pd.Series:
        return pd.Series(contract_types.is_valid(column, data_type) | column.isna().to_numpy(), index=column.index)


class ExpectColumnValuesToParseAsContractType(ColumnMapExpectation):
    """Expect each non-null value to parse as its data type in the k12-inquiry extract contract.

    Types: cds_lea and cds_school (7 digits), cds_code (14 digits), ssid (10 digits),
    academic_year (2024-2025, consecutive years), integer, decimal, flag (Y or N) and date
    (a real calendar date in one of the formats of dbt var `k12:date_formats`).
    Blank values are not checked here (see expect_column_values_to_not_be_null).
    """

    data_type: ContractDataType
    map_metric: ClassVar[str] = "column_values.parse_as_contract_type"
    success_keys: ClassVar[tuple[str, ...]] = ("data_type", "mostly")
    args_keys: ClassVar[tuple[str, ...]] = ("column", "data_type")
    library_metadata: ClassVar[dict] = {"maturity": "experimental", "tags": ["k12-inquiry"],
                                        "contributors": ["k12-inquiry"]}

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    @render_suite_parameter_string
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kwargs_ = configuration.kwargs if configuration else {}
        data_type = kwargs_.get("data_type")
        params = {"column": kwargs_.get("column"), "data_type": data_type,
                  "description": contract_types.DATA_TYPE_DESCRIPTIONS.get(data_type, data_type)}
        return [RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={"template": "$column values must parse as $data_type: $description.",
                             "params": params, "styling": (runtime_configuration or {}).get("styling")})]


class ColumnValuesInCodeSet(ColumnMapMetricProvider):
    condition_metric_name = "column_values.in_code_set"
    condition_value_keys = ("value_set",)
    filter_column_isnull = False          # blanks pass here (see ColumnValuesParseAsContractType)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, value_set: list[str], **kwargs) -> pd.Series:
        accepted = {str(code).upper() for code in value_set}
        return pd.Series(contract_types.is_in_set_ignoring_case(column, accepted) | column.isna().to_numpy(),
                         index=column.index)


class ExpectColumnValuesToBeInCodeSet(ColumnMapExpectation):
    """Expect each non-null value, upper-cased, to be one of the accepted spellings of a code set.

    `value_set` is filled at validation time from the code set's seed and the local spellings
    of seeds/codes/code_aliases.csv, so that a code the staging models read (they upper-case
    codes and map the aliases) is never quarantined and a code they cannot read always is.
    """

    value_set: list | dict
    map_metric: ClassVar[str] = "column_values.in_code_set"
    success_keys: ClassVar[tuple[str, ...]] = ("value_set", "mostly")
    args_keys: ClassVar[tuple[str, ...]] = ("column", "value_set")
    library_metadata: ClassVar[dict] = {"maturity": "experimental", "tags": ["k12-inquiry"],
                                        "contributors": ["k12-inquiry"]}

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    @render_suite_parameter_string
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kwargs_ = configuration.kwargs if configuration else {}
        value_set = kwargs_.get("value_set")
        shown = ", ".join(map(str, value_set)) if isinstance(value_set, list) else "the code set's seed"
        return [RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={"template": "$column values (in any case) must be one of: $codes.",
                             "params": {"column": kwargs_.get("column"), "codes": shown},
                             "styling": (runtime_configuration or {}).get("styling")})]


class CompoundColumnsNotRepeatingEarlierRows(MulticolumnMapMetricProvider):
    condition_metric_name = "compound_columns.not_repeating_earlier_rows"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, **kwargs) -> pd.Series:
        return ~column_list.duplicated(keep="first")


class ExpectCompoundColumnsToNotRepeatEarlierRows(MulticolumnMapExpectation):
    """Expect no row to repeat the values of `column_list` of an earlier row of the batch.

    The first row with a combination of values is expected; every later row with the same
    combination is unexpected. The batch must be in file order and hold every copy of a key
    (a batch holds one file's rows: a key is unique within its file).
    """

    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "any_value_is_missing"
    map_metric: ClassVar[str] = "compound_columns.not_repeating_earlier_rows"
    args_keys: ClassVar[tuple[str, ...]] = ("column_list",)
    library_metadata: ClassVar[dict] = {"maturity": "experimental", "tags": ["k12-inquiry"],
                                        "contributors": ["k12-inquiry"]}

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    @render_suite_parameter_string
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        columns: Optional[list] = (configuration.kwargs if configuration else {}).get("column_list") or []
        template = ("No row may repeat the values of "
                    + ", ".join(f"$column_{k}" for k in range(len(columns)))
                    + " of an earlier row (the first row is kept, later copies are unexpected).")
        params = {f"column_{k}": name for k, name in enumerate(columns)}
        return [RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={"template": template, "params": params,
                             "styling": (runtime_configuration or {}).get("styling")})]

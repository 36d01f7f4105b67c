"""Exit codes of the `k12` commands (docs/data-quality.md), in one module that the CLI and
the library both import, so that the library never imports the CLI."""

EXIT_REPORT_FAILED = 1       # k12 report: a notebook failed (the others were written)
EXIT_FILE_PROBLEM = 2        # a file-level problem in the extracts: nothing was checked (docs/data-quality.md)
EXIT_BUILD_FAILED = 3        # dbt build failed (a model or a test)
EXIT_TOO_MANY_BAD_ROWS = 4   # k12 check: a file has more bad rows than --max-bad-share allows (results written)
EXIT_WAREHOUSE_IN_USE = 5    # the warehouse file is locked by another process (results not written)
EXIT_MARTS_CHECK_FAILED = 6  # k12 check --marts (and after dbt build): a marts rule failed (results written)
EXIT_USAGE = 64              # a wrong option or parameter (the message says which)
EXIT_INTERNAL_ERROR = 70     # a bug in k12-inquiry: one line naming the error, no traceback (K12_DEBUG=1 shows it)
EXIT_OS_ERROR = 74           # the operating system refused: disk full, no permission on an output folder
EXIT_SIGINT = 130            # stopped by Ctrl-C (SIGINT): children stopped, nothing swapped in
EXIT_SIGTERM = 143           # stopped by SIGTERM: children stopped, nothing swapped in

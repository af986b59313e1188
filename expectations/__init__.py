"""Great Expectations suites as code, one function per table, and the runner that validates batches."""

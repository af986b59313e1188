"""The DuckDB warehouse: connections, versioned schema, bulk loading."""

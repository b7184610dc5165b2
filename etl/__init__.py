"""ETL: publishers' raw files → tidy frames → validated DuckDB file, published atomically."""

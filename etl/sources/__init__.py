"""One module per publisher: `pull()` fetches raw files unchanged, `parse()` turns them into tidy frames.

Sources never touch DuckDB.
"""

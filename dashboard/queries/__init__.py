"""The data-access layer: every query a page, a figure's caller or a download runs, and nothing else.

One module per page (overview, explore, gaps, targets, country, about, data_download) and `common` for what several
pages share. Each is a set of typed functions returning DataFrames, rows or small lookups built from them; pages
hold layout and callbacks and call these, never SQL (tests/dashboard/test_query_layer.py holds them to it).

All reads go through dashboard/data.py: `data.query` (read-only, on the request's pinned database version, results
kept in one byte-bounded LRU per worker), `data.query_uncached` for downloads, and
`data.per_version_all_languages` for what is built from results (indexes, per-group splits, arrays): one cache
policy, keyed by database version, so a publish retires everything at once. The layer holds no words, so what it
builds is kept once for all six languages (pages use `data.per_version`, keyed by language too).

Predicates several queries share are views of the schema (etl/schema.sql), not strings here: `observation_total`,
`group_aggregate_total` and `published_aggregate_total` are the rows without a breakdown (sex, area and age all
'total'). Domain figures (goal, shortfall, projection) are read from the tables the ETL writes, not recomputed.
"""

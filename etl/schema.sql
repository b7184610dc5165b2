-- The published schema (DESIGN.md §3). Researchers rely on it: add columns, never rename.

CREATE TABLE country (
    iso3            VARCHAR PRIMARY KEY,  -- ISO 3166-1 alpha-3 (World Bank code; XKX = Kosovo, CHI = Channel Islands)
    name            VARCHAR NOT NULL,
    wb_region       VARCHAR,              -- World Bank region
    income_group    VARCHAR,              -- World Bank income group (NULL = unclassified)
    m49_region      VARCHAR,              -- UN M49 region (NULL until the M49 classification is imported)
    m49_subregion   VARCHAR,
    is_ldc          BOOLEAN,              -- least developed country (NULL until imported)
    is_lldc         BOOLEAN,              -- landlocked developing country
    is_sids         BOOLEAN               -- small island developing state
);

CREATE TABLE source (
    source_id     VARCHAR PRIMARY KEY,    -- dataset key and vintage, e.g. 'wdi:2026-07-13'
    publisher     VARCHAR NOT NULL,
    dataset       VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    license       VARCHAR NOT NULL,
    attribution   VARCHAR NOT NULL,
    vintage       DATE,                   -- the publisher's release date ("Last Updated Date")
    retrieved_at  TIMESTAMPTZ             -- when `pull` downloaded it (NULL for files imported by hand)
);

CREATE TABLE source_file (
    source_id       VARCHAR NOT NULL REFERENCES source (source_id),
    path            VARCHAR NOT NULL,     -- relative to the raw directory
    role            VARCHAR NOT NULL,     -- 'data', 'country_metadata' or 'passed_over' (an older or re-saved copy)
    indicator_code  VARCHAR,
    sha256          VARCHAR NOT NULL,
    PRIMARY KEY (path)
);

CREATE TABLE indicator (
    indicator_id      VARCHAR PRIMARY KEY,
    name              VARCHAR NOT NULL,
    unit              VARCHAR NOT NULL,   -- human label, e.g. '% of population'
    description       VARCHAR NOT NULL,
    source_id         VARCHAR NOT NULL REFERENCES source (source_id),
    source_code       VARCHAR NOT NULL,   -- the publisher's own code, e.g. IT.NET.USER.ZS
    higher_is_better  BOOLEAN,            -- NULL for context series (population)
    breakdowns        VARCHAR[] NOT NULL
);

CREATE TABLE observation (
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),
    iso3          VARCHAR NOT NULL REFERENCES country (iso3),
    year          SMALLINT NOT NULL,
    sex           VARCHAR NOT NULL DEFAULT 'total',  -- 'total', 'female', 'male'
    area          VARCHAR NOT NULL DEFAULT 'total',  -- 'total', 'urban', 'rural'
    age           VARCHAR NOT NULL DEFAULT 'total',  -- 'total', '15-24', …
    value         DOUBLE NOT NULL,
    obs_status    VARCHAR,                           -- publisher's flag, when it gives one
    source_id     VARCHAR NOT NULL REFERENCES source (source_id),
    vintage       DATE,
    PRIMARY KEY (indicator_id, iso3, year, sex, area, age)
);

-- Aggregates as the publisher computed them (World Bank WLD, LDC, HIC, …), kept for reference
-- and checks; they are not economies, so they stay out of `country` and `observation`.
CREATE TABLE published_aggregate (
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),
    group_code    VARCHAR NOT NULL,   -- the publisher's code, e.g. WLD
    group_name    VARCHAR NOT NULL,
    year          SMALLINT NOT NULL,
    value         DOUBLE NOT NULL,
    source_id     VARCHAR NOT NULL REFERENCES source (source_id),
    PRIMARY KEY (indicator_id, group_code, year)
);

CREATE TABLE etl_run (
    run_id       VARCHAR PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    status       VARCHAR NOT NULL,    -- 'published' (only runs that published a file are recorded in it)
    raw_dir      VARCHAR NOT NULL,
    rows         BIGINT NOT NULL,     -- rows written to `observation`
    message      VARCHAR NOT NULL     -- summary and warnings (files passed over, codes not classified)
);

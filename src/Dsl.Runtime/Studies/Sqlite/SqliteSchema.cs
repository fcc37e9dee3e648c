namespace Dsl.Studies.Sqlite;

/// <summary>The SQLite study store's tables, one script per schema version.</summary>
/// <remarks>
/// States and directions are stored as words, not enum numbers, so the file reads well in any SQLite browser and
/// survives reordering of the C# enums. Timestamps are UTC ISO 8601 text of fixed width, so text order is time order.
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>The script that brings a store from version <c>index</c> to <c>index + 1</c>.</summary>
    public static IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE schema_version (
            version    INTEGER NOT NULL PRIMARY KEY,
            applied_at TEXT    NOT NULL
        );

        CREATE TABLE studies (
            study_id          INTEGER PRIMARY KEY,
            name              TEXT    NOT NULL UNIQUE,
            direction         TEXT    NOT NULL CHECK (direction IN ('minimize', 'maximize')),
            space_fingerprint TEXT    NOT NULL, -- '' when the study was created without a search space
            space_description TEXT    NOT NULL, -- one line per parameter, for readable mismatch errors
            created_at        TEXT    NOT NULL
        );

        CREATE TABLE trials (
            trial_id       INTEGER PRIMARY KEY,
            study_id       INTEGER NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
            number         INTEGER NOT NULL,
            state          TEXT    NOT NULL CHECK (state IN ('waiting', 'running', 'complete', 'pruned', 'failed')),
            value          REAL,
            error          TEXT,
            created_at     TEXT    NOT NULL,
            started_at     TEXT,
            finished_at    TEXT,
            heartbeat_at   TEXT,
            worker_id      TEXT,
            worker_host    TEXT,
            worker_pid     INTEGER,
            worker_started TEXT,
            retry_of       INTEGER, -- number of the failed trial whose parameters this one retries
            retry_count    INTEGER NOT NULL DEFAULT 0,
            UNIQUE (study_id, number)
        );
        CREATE INDEX trials_by_state ON trials (study_id, state, number);
        CREATE INDEX trials_by_worker ON trials (worker_id, state);

        CREATE TABLE trial_params (
            trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            name     TEXT    NOT NULL,
            kind     TEXT    NOT NULL, -- int, float, bool, string or enum: JSON alone cannot tell 128 from 128.0
            value    TEXT    NOT NULL, -- JSON; enums as their names
            UNIQUE (trial_id, name)
        );

        CREATE TABLE trial_values (
            trial_id    INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            step        INTEGER NOT NULL,
            value       REAL    NOT NULL,
            reported_at TEXT    NOT NULL,
            PRIMARY KEY (trial_id, step)
        );

        CREATE TABLE trial_attributes (
            trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
            key      TEXT    NOT NULL,
            value    TEXT    NOT NULL,
            PRIMARY KEY (trial_id, key)
        );
        """,
        // Readers cache finished trials and re-read one only when its revision moved, which every change to a finished
        // trial (its attributes) and the change that finishes it bump.
        """
        ALTER TABLE trials ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
        """,
        // A study's own attributes, such as the results of fusing its models.
        """
        CREATE TABLE study_attributes (
            study_id INTEGER NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
            key      TEXT    NOT NULL,
            value    TEXT    NOT NULL,
            PRIMARY KEY (study_id, key)
        );
        """,
    ];
}

PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_version (
    version    INTEGER NOT NULL PRIMARY KEY,
    applied_at TEXT    NOT NULL
);
INSERT INTO schema_version VALUES(1,'2026-01-02T03:04:05.0000000Z');
CREATE TABLE studies (
    study_id          INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    direction         TEXT    NOT NULL CHECK (direction IN ('minimize', 'maximize')),
    space_fingerprint TEXT    NOT NULL, -- '' when the study was created without a search space
    space_description TEXT    NOT NULL, -- one line per parameter, for readable mismatch errors
    created_at        TEXT    NOT NULL
);
INSERT INTO studies VALUES(1,'fixture','maximize','9b2f213ab57c4600',replace('Dropout: float [0, 0.5] step 0.05\nHidden: int [16, 512] log\nLabel: categorical {"plain", "na\u00EFve \u0022quoted\u0022 \\ path", "\u65E5\u672C"}\nLayers: int [1, 4]\nLearningRate: float [1E-05, 0.1] log\nMomentum: float [0.5, 0.99] when Optimizer in {Sgd}\nOptimizer: categorical {Sgd, Adam}\nRatio: categorical {0.5, 2}\nUseBias: categorical {false, true}','\n',char(10)),'2026-01-02T03:04:05.0000000Z');
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
INSERT INTO trials VALUES(1,1,0,'complete',0.75,NULL,'2026-01-02T03:04:05.0000000Z','2026-01-02T03:04:05.0000000Z','2026-01-02T03:04:05.0000000Z','2026-01-02T03:04:05.0000000Z','w','fixture-host',4242,'2026-01-02T03:00:00.0000000Z',NULL,0);
INSERT INTO trials VALUES(2,1,1,'complete',0.76000000000000000888,NULL,'2026-01-02T03:04:05.0000000Z','2026-01-02T03:04:05.0000000Z','2026-01-02T03:04:05.0000000Z','2026-01-02T03:04:05.0000000Z','w','fixture-host',4242,'2026-01-02T03:00:00.0000000Z',NULL,0);
CREATE TABLE trial_params (
    trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
    name     TEXT    NOT NULL,
    kind     TEXT    NOT NULL, -- int, float, bool, string or enum: JSON alone cannot tell 128 from 128.0
    value    TEXT    NOT NULL, -- JSON; enums as their names
    UNIQUE (trial_id, name)
);
INSERT INTO trial_params VALUES(1,'LearningRate','float','1E-05');
INSERT INTO trial_params VALUES(1,'Dropout','float','0.15');
INSERT INTO trial_params VALUES(1,'Hidden','int','128');
INSERT INTO trial_params VALUES(1,'Layers','int','3');
INSERT INTO trial_params VALUES(1,'Optimizer','enum','"Sgd"');
INSERT INTO trial_params VALUES(1,'Momentum','float','0.95');
INSERT INTO trial_params VALUES(1,'UseBias','bool','false');
INSERT INTO trial_params VALUES(1,'Label','string','"naïve \"quoted\" \\ path"');
INSERT INTO trial_params VALUES(1,'Ratio','float','2');
INSERT INTO trial_params VALUES(2,'LearningRate','float','0.0123');
INSERT INTO trial_params VALUES(2,'Dropout','float','0.5');
INSERT INTO trial_params VALUES(2,'Hidden','int','16');
INSERT INTO trial_params VALUES(2,'Layers','int','1');
INSERT INTO trial_params VALUES(2,'Optimizer','enum','"Adam"');
INSERT INTO trial_params VALUES(2,'UseBias','bool','true');
INSERT INTO trial_params VALUES(2,'Label','string','"日本"');
INSERT INTO trial_params VALUES(2,'Ratio','float','0.5');
CREATE TABLE trial_values (
    trial_id    INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
    step        INTEGER NOT NULL,
    value       REAL    NOT NULL,
    reported_at TEXT    NOT NULL,
    PRIMARY KEY (trial_id, step)
);
INSERT INTO trial_values VALUES(1,1,0.5,'2026-01-02T03:04:05.0000000Z');
INSERT INTO trial_values VALUES(2,1,0.5,'2026-01-02T03:04:05.0000000Z');
CREATE TABLE trial_attributes (
    trial_id INTEGER NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (trial_id, key)
);
CREATE INDEX trials_by_state ON trials (study_id, state, number);
CREATE INDEX trials_by_worker ON trials (worker_id, state);
COMMIT;

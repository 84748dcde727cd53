internal import GRDB

extension NetcodeDatabase {
    /// The schema, as a list of named migrations applied in order and recorded in the
    /// `grdb_migrations` table, so an old file is brought up to date when it is opened.
    ///
    /// A migration that has shipped is never edited: changes go into a new one ("v2", ...).
    /// Tables are `STRICT` (SQLite 3.37 or later), so a value of the wrong type is refused rather
    /// than stored. Times are INTEGER milliseconds since 1970 (see `StoredTime`); ratios are REAL
    /// fractions in 0...1; durations carry their unit in the column name.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: schemaV1)
        }
        return migrator
    }

    /// Version 1 of the schema; `docs/DATABASE.md` describes every column.
    static let schemaV1 = """
        CREATE TABLE accounts (
            id              INTEGER PRIMARY KEY,
            name            TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> ''),
            password_hash   BLOB    NOT NULL,
            salt            BLOB    NOT NULL,
            hash_algorithm  TEXT    NOT NULL,
            hash_iterations INTEGER NOT NULL CHECK (hash_iterations >= 1),
            created_at      INTEGER NOT NULL,
            last_login_at   INTEGER
        ) STRICT;

        CREATE TABLE matches (
            id                INTEGER PRIMARY KEY,
            room_name         TEXT    NOT NULL,
            started_at        INTEGER NOT NULL,
            ended_at          INTEGER NOT NULL CHECK (ended_at >= started_at),
            tick_rate         INTEGER NOT NULL CHECK (tick_rate > 0),
            duration_ticks    INTEGER NOT NULL CHECK (duration_ticks >= 0),
            transport         TEXT    NOT NULL CHECK (transport IN ('udp', 'tcp')),
            network_profile   TEXT    NOT NULL,
            seed              INTEGER NOT NULL,
            winner_account_id INTEGER REFERENCES accounts(id)
        ) STRICT;
        CREATE INDEX matches_by_ended_at ON matches(ended_at);
        CREATE INDEX matches_by_winner ON matches(winner_account_id);

        CREATE TABLE match_players (
            match_id         INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
            account_id       INTEGER NOT NULL REFERENCES accounts(id),
            player_index     INTEGER NOT NULL CHECK (player_index >= 0),
            name             TEXT    NOT NULL,
            score            INTEGER NOT NULL,
            rank             INTEGER NOT NULL CHECK (rank >= 1),
            connected_at_end INTEGER NOT NULL CHECK (connected_at_end IN (0, 1)),
            inputs_received  INTEGER NOT NULL CHECK (inputs_received >= 0),
            snapshots_sent   INTEGER NOT NULL CHECK (snapshots_sent >= 0),
            loss_up          REAL    NOT NULL CHECK (loss_up BETWEEN 0 AND 1),
            loss_down        REAL    NOT NULL CHECK (loss_down BETWEEN 0 AND 1),
            rtt_ms           REAL    NOT NULL CHECK (rtt_ms >= 0),
            PRIMARY KEY (match_id, account_id),
            UNIQUE (match_id, player_index)
        ) STRICT;
        CREATE INDEX match_players_by_account ON match_players(account_id);

        CREATE TABLE comparison_runs (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at      INTEGER NOT NULL,
            finished_at     INTEGER NOT NULL CHECK (finished_at >= started_at),
            parameters_json TEXT    NOT NULL CHECK (json_valid(parameters_json)),
            mode            TEXT    NOT NULL CHECK (mode IN ('lab', 'portable')),
            seed            INTEGER NOT NULL,
            notes           TEXT    NOT NULL DEFAULT ''
        ) STRICT;

        CREATE TABLE comparison_points (
            id                INTEGER PRIMARY KEY,
            run_id            INTEGER NOT NULL REFERENCES comparison_runs(id) ON DELETE CASCADE,
            loss              REAL    NOT NULL CHECK (loss BETWEEN 0 AND 1),
            transport         TEXT    NOT NULL CHECK (transport IN ('udp', 'tcp')),
            run_index         INTEGER NOT NULL CHECK (run_index >= 0),
            delivery          REAL    NOT NULL CHECK (delivery BETWEEN 0 AND 1),
            latency_p50_ms    REAL,
            latency_p99_ms    REAL,
            latency_p999_ms   REAL,
            latency_max_ms    REAL,
            staleness_p50_ms  REAL,
            staleness_p99_ms  REAL,
            stalls_per_minute REAL    NOT NULL CHECK (stalls_per_minute >= 0),
            longest_stall_ms  REAL    NOT NULL CHECK (longest_stall_ms >= 0),
            bytes_per_second  REAL    NOT NULL CHECK (bytes_per_second >= 0),
            UNIQUE (run_id, transport, loss, run_index)
        ) STRICT;
        """
}

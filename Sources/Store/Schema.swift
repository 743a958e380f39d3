import Foundation
import GRDB

/// The state database's schema, built by versioned migrations that run when the store opens.
///
/// Times are `REAL` seconds since the Unix epoch (`datetime(col, 'unixepoch')` reads them), rounded
/// below a microsecond. Booleans are `INTEGER` 0/1.
///
/// ```sql
/// -- v1
/// region(name TEXT PRIMARY KEY, baselined_at REAL NOT NULL)          -- present once baselined
/// invocation(region TEXT, id TEXT, status TEXT, status_since REAL, timeout INTEGER,
///            created_time REAL, stuck_fired INTEGER, tasks BLOB,      -- tasks: see TaskCoding
///            PRIMARY KEY (region, id))
/// event(id TEXT PRIMARY KEY, json BLOB, created_at REAL)             -- Event.encoder JSON
/// outbox(id INTEGER PRIMARY KEY AUTOINCREMENT,                       -- ids never reused
///        event_id TEXT REFERENCES event(id), receiver TEXT, rule TEXT, group_key TEXT,
///        not_before REAL, is_recovery INTEGER, state TEXT,            -- DeliveryState raw value
///        attempts INTEGER, next_attempt_at REAL, created_at REAL, updated_at REAL,
///        last_error TEXT, response_excerpt TEXT, delivered_at REAL,
///        UNIQUE (event_id, receiver))                                  -- one notification per pair
///   outbox_due   ON outbox(state, max(next_attempt_at, not_before))  -- claimDue, nextDueTime
///   outbox_group ON outbox(receiver, rule, group_key) WHERE state = 'pending' AND group_key <> ''
///                                                                   -- completing a group's claim
///   outbox_state ON outbox(state)                                   -- counts, listings by id
/// throttle(rule TEXT, group_key TEXT, last_at REAL, PRIMARY KEY (rule, group_key))
/// failing(key TEXT PRIMARY KEY)
///
/// -- v2-outbox-leases-messages
/// outbox + claimed_until REAL, claimed_by TEXT                      -- the lease of an in-flight row
///        + age_from REAL                                            -- start of the age clock (NULL: created_at)
///        + message_id INTEGER REFERENCES message(id)                -- fixed membership of a group/digest
/// message(id INTEGER PRIMARY KEY AUTOINCREMENT, receiver TEXT, idempotency_key TEXT UNIQUE,
///         is_digest INTEGER, created_at REAL)
///   outbox_message ON outbox(message_id) WHERE message_id IS NOT NULL   -- claiming a message whole
///   outbox_held    ON outbox(receiver) WHERE state = 'held'             -- releasing held rows
/// failing + since REAL                                                -- pruning old noise memory
/// (Lapsed leases are found through outbox_state: in-flight rows are few, and a partial index on
/// claimed_until cost measurable outbox throughput in tattle-bench.)
///
/// -- v2-tombstones
/// tombstone(region TEXT, id TEXT, status TEXT, status_since REAL, timeout INTEGER,
///           created_time REAL, stuck_fired INTEGER, tasks BLOB, removed_at REAL,
///           PRIMARY KEY (region, id))                                 -- last state of a removed invocation
///
/// -- v2-silences
/// silence(id TEXT PRIMARY KEY, matchers BLOB, starts_at REAL, ends_at REAL, -- matchers: JSON array
///         created_by TEXT, comment TEXT, created_at REAL)                   -- of SilenceMatcher
///   silence_ends ON silence(ends_at)                                -- active silences at commit
/// outbox.silence_id TEXT                                            -- set on state = 'silenced' rows
/// ```
///
/// A migration is never edited once released: changes are new migrations appended below.
enum Schema {
    /// The migrator holding every version of the schema, oldest first.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE region (
                        name TEXT PRIMARY KEY NOT NULL,
                        baselined_at REAL NOT NULL
                    );
                    CREATE TABLE invocation (
                        region TEXT NOT NULL,
                        id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        status_since REAL NOT NULL,
                        timeout INTEGER,
                        created_time REAL,
                        stuck_fired INTEGER NOT NULL DEFAULT 0,
                        tasks BLOB NOT NULL,
                        PRIMARY KEY (region, id)
                    );
                    CREATE TABLE event (
                        id TEXT PRIMARY KEY NOT NULL,
                        json BLOB NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        event_id TEXT NOT NULL REFERENCES event(id),
                        receiver TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        group_key TEXT NOT NULL DEFAULT '',
                        not_before REAL NOT NULL,
                        is_recovery INTEGER NOT NULL DEFAULT 0,
                        state TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        last_error TEXT,
                        response_excerpt TEXT,
                        delivered_at REAL,
                        UNIQUE (event_id, receiver)
                    );
                    CREATE INDEX outbox_due ON outbox(state, max(next_attempt_at, not_before));
                    CREATE INDEX outbox_group ON outbox(receiver, rule, group_key)
                        WHERE state = 'pending' AND group_key <> '';
                    CREATE INDEX outbox_state ON outbox(state);
                    CREATE TABLE throttle (
                        rule TEXT NOT NULL,
                        group_key TEXT NOT NULL,
                        last_at REAL NOT NULL,
                        PRIMARY KEY (rule, group_key)
                    );
                    CREATE TABLE failing (
                        key TEXT PRIMARY KEY NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-outbox-leases-messages") { db in
            try db.execute(
                sql: """
                    CREATE TABLE message (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        receiver TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        is_digest INTEGER NOT NULL DEFAULT 0,
                        created_at REAL NOT NULL
                    );
                    ALTER TABLE outbox ADD COLUMN claimed_until REAL;
                    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
                    ALTER TABLE outbox ADD COLUMN age_from REAL;
                    ALTER TABLE outbox ADD COLUMN message_id INTEGER REFERENCES message(id);
                    CREATE INDEX outbox_message ON outbox(message_id) WHERE message_id IS NOT NULL;
                    CREATE INDEX outbox_held ON outbox(receiver) WHERE state = 'held';
                    ALTER TABLE failing ADD COLUMN since REAL;
                    """)
            // Keys already failing start their retention clock now.
            try db.execute(sql: "UPDATE failing SET since = ?", arguments: [Date().timeIntervalSince1970])
        }
        migrator.registerMigration("v2-tombstones") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tombstone (
                        region TEXT NOT NULL,
                        id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        status_since REAL NOT NULL,
                        timeout INTEGER,
                        created_time REAL,
                        stuck_fired INTEGER NOT NULL DEFAULT 0,
                        tasks BLOB NOT NULL,
                        removed_at REAL NOT NULL,
                        PRIMARY KEY (region, id)
                    );
                    """)
        }
        migrator.registerMigration("v2-silences") { db in
            try db.execute(
                sql: """
                    CREATE TABLE silence (
                        id TEXT PRIMARY KEY NOT NULL,
                        matchers BLOB NOT NULL,
                        starts_at REAL NOT NULL,
                        ends_at REAL NOT NULL,
                        created_by TEXT NOT NULL,
                        comment TEXT NOT NULL DEFAULT '',
                        created_at REAL NOT NULL
                    );
                    CREATE INDEX silence_ends ON silence(ends_at);
                    ALTER TABLE outbox ADD COLUMN silence_id TEXT;
                    """)
        }
        // What a row's last attempt sent (redacted), shown by the status pages.
        migrator.registerMigration("v3-sent-payload") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN sent_payload TEXT")
        }
        return migrator
    }
}

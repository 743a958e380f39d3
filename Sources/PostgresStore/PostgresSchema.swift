import Foundation

/// The PostgreSQL schema, built by named migrations recorded in `schema_migrations(name, applied_at)`.
///
/// The tables and columns mean what they mean in the SQLite store (`Store/Schema.swift`,
/// `docs/state.md`); the differences are PostgreSQL's types: times are `float8` Unix seconds,
/// booleans `boolean`, blobs `bytea`, ids `bigint` identities, and `event.seq`/`silence.seq` keep the
/// insertion order SQLite's rowid gives. A migration is never edited once released: changes are new
/// steps appended below, with a descriptive name.
///
/// ```sql
/// -- v1
/// region(name PK, baselined_at)                       invocation(region, id, …, tasks bytea, PK (region, id))
/// tombstone(region, id, …, removed_at, PK (region, id))
/// event(seq identity, id PK, json bytea, created_at)  message(id identity PK, receiver, idempotency_key UNIQUE, …)
/// outbox(id identity PK, event_id → event, receiver, rule, group_key, not_before, is_recovery, state,
///        attempts, next_attempt_at, created_at, updated_at, last_error, response_excerpt, delivered_at,
///        claimed_until, claimed_by, age_from, message_id → message, silence_id, sent_payload,
///        UNIQUE (event_id, receiver))
///   outbox_due (state, greatest(next_attempt_at, not_before)), outbox_group, outbox_state, outbox_message,
///   outbox_held, outbox_in_flight (claimed_until) WHERE state = 'in_flight'
/// throttle(rule, group_key, last_at, PK (rule, group_key))   failing(key PK, since)
/// silence(seq identity, id PK, matchers bytea JSON, starts_at, ends_at, created_by, comment, created_at)
/// -- v1-leases
/// lease(kind, name, holder, term, expires_at, PK (kind, name))   -- a row is never deleted: terms only grow
/// replica(id PK, started_at, expires_at)                         -- heartbeats
/// ```
enum PostgresSchema {
    /// One named migration: statements run in order, in the migration transaction.
    struct Step: Sendable {
        var name: String
        var statements: [String]
    }

    /// Every step, oldest first.
    static let steps: [Step] = [
        Step(
            name: "v1",
            statements: [
                "CREATE TABLE region (name text PRIMARY KEY, baselined_at float8 NOT NULL)",
                """
                CREATE TABLE invocation (
                    region text NOT NULL, id text NOT NULL, status text NOT NULL, status_since float8 NOT NULL,
                    timeout bigint, created_time float8, stuck_fired boolean NOT NULL DEFAULT false,
                    tasks bytea NOT NULL, PRIMARY KEY (region, id))
                """,
                """
                CREATE TABLE tombstone (
                    region text NOT NULL, id text NOT NULL, status text NOT NULL, status_since float8 NOT NULL,
                    timeout bigint, created_time float8, stuck_fired boolean NOT NULL DEFAULT false,
                    tasks bytea NOT NULL, removed_at float8 NOT NULL, PRIMARY KEY (region, id))
                """,
                """
                CREATE TABLE event (
                    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, id text PRIMARY KEY, json bytea NOT NULL,
                    created_at float8 NOT NULL)
                """,
                """
                CREATE TABLE message (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, receiver text NOT NULL,
                    idempotency_key text NOT NULL UNIQUE, is_digest boolean NOT NULL DEFAULT false,
                    created_at float8 NOT NULL)
                """,
                """
                CREATE TABLE outbox (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    event_id text NOT NULL REFERENCES event(id), receiver text NOT NULL, rule text NOT NULL,
                    group_key text NOT NULL DEFAULT '', not_before float8 NOT NULL,
                    is_recovery boolean NOT NULL DEFAULT false, state text NOT NULL,
                    attempts integer NOT NULL DEFAULT 0, next_attempt_at float8 NOT NULL,
                    created_at float8 NOT NULL, updated_at float8 NOT NULL, last_error text, response_excerpt text,
                    delivered_at float8, claimed_until float8, claimed_by text, age_from float8,
                    message_id bigint REFERENCES message(id), silence_id text, sent_payload text,
                    UNIQUE (event_id, receiver))
                """,
                "CREATE INDEX outbox_due ON outbox (state, greatest(next_attempt_at, not_before))",
                """
                CREATE INDEX outbox_group ON outbox (receiver, rule, group_key)
                    WHERE state = 'pending' AND group_key <> ''
                """,
                "CREATE INDEX outbox_state ON outbox (state)",
                "CREATE INDEX outbox_message ON outbox (message_id) WHERE message_id IS NOT NULL",
                "CREATE INDEX outbox_held ON outbox (receiver) WHERE state = 'held'",
                "CREATE INDEX outbox_in_flight ON outbox (claimed_until) WHERE state = 'in_flight'",
                """
                CREATE TABLE throttle (
                    rule text NOT NULL, group_key text NOT NULL, last_at float8 NOT NULL, PRIMARY KEY (rule, group_key))
                """,
                "CREATE TABLE failing (key text PRIMARY KEY, since float8)",
                """
                CREATE TABLE silence (
                    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, id text PRIMARY KEY, matchers bytea NOT NULL,
                    starts_at float8 NOT NULL, ends_at float8 NOT NULL, created_by text NOT NULL,
                    comment text NOT NULL DEFAULT '', created_at float8 NOT NULL)
                """,
                "CREATE INDEX silence_ends ON silence (ends_at)",
            ]),
        Step(
            name: "v1-leases",
            statements: [
                """
                CREATE TABLE lease (
                    kind text NOT NULL, name text NOT NULL, holder text NOT NULL, term bigint NOT NULL,
                    expires_at float8 NOT NULL, PRIMARY KEY (kind, name))
                """,
                "CREATE INDEX lease_holder ON lease (holder)",
                "CREATE TABLE replica (id text PRIMARY KEY, started_at float8 NOT NULL, expires_at float8 NOT NULL)",
            ]),
    ]
}

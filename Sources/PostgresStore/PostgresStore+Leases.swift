import Foundation
import PostgresNIO
import Store

/// Lease rows with a fencing term (`docs/ha.md`, operations-facts §2): the pattern River and Oban use
/// instead of session advisory locks, which outlive a half-open connection.
///
/// A lease row is never deleted, so its term only grows: taking a free or lapsed lease, or one that
/// another holder released, sets `term = term + 1`; the holder renewing keeps its term. Releasing
/// sets `expires_at` to 0 and keeps the holder and term, so the next taker's term is still higher
/// than any term a commit in flight could carry.
extension PostgresStore: LeaseStore {
    public func heartbeat(replica: String, now: Date, ttl: TimeInterval) async throws -> [Replica] {
        let now = now.unixSeconds
        let expires = now + ttl
        return try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO replica (id, started_at, expires_at) VALUES (\(replica), \(now), \(expires))
                ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at
                """, logger: self.logger)
            try await connection.query("DELETE FROM replica WHERE expires_at <= \(now)", logger: self.logger)
            var replicas: [Replica] = []
            for try await (id, started, expiresAt) in try await connection.query(
                "SELECT id, started_at, expires_at FROM replica ORDER BY id", logger: self.logger
            ).decode((String, Double, Double).self) {
                replicas.append(
                    Replica(
                        id: id, startedAt: Date(timeIntervalSince1970: started),
                        expiresAt: Date(timeIntervalSince1970: expiresAt)))
            }
            return replicas
        }
    }

    public func acquire(
        _ kind: LeaseKind, name: String, holder: String, now: Date, ttl: TimeInterval
    ) async throws -> Lease? {
        let now = now.unixSeconds
        let expires = now + ttl
        return try await transaction { connection in
            // Taken when free, lapsed or released (term + 1); renewed by its holder (same term), even
            // after lapsing, as long as nobody else took it meanwhile. Otherwise no row comes back.
            let rows = try await connection.query(
                """
                INSERT INTO lease AS l (kind, name, holder, term, expires_at)
                VALUES (\(kind.rawValue), \(name), \(holder), 1, \(expires))
                ON CONFLICT (kind, name) DO UPDATE SET
                    term = CASE WHEN l.holder = excluded.holder AND l.expires_at > 0 THEN l.term ELSE l.term + 1 END,
                    holder = excluded.holder, expires_at = excluded.expires_at
                WHERE l.holder = excluded.holder OR l.expires_at <= \(now)
                RETURNING l.term
                """, logger: self.logger
            ).decode(Int64.self)
            for try await term in rows {
                return Lease(
                    kind: kind, name: name, holder: holder, term: term, expiresAt: Date(timeIntervalSince1970: expires))
            }
            return nil
        }
    }

    public func release(_ lease: Lease) async throws {
        try await transaction { connection in
            try await connection.query(
                """
                UPDATE lease SET expires_at = 0
                WHERE kind = \(lease.kind.rawValue) AND name = \(lease.name) AND holder = \(lease.holder)
                    AND term = \(lease.term)
                """, logger: self.logger)
        }
    }

    public func resign(replica: String) async throws {
        try await transaction { connection in
            try await connection.query("UPDATE lease SET expires_at = 0 WHERE holder = \(replica)", logger: self.logger)
            try await connection.query("DELETE FROM replica WHERE id = \(replica)", logger: self.logger)
        }
    }

    public func leases(now: Date) async throws -> [Lease] {
        try await read { connection in
            var leases: [Lease] = []
            for try await (kind, name, holder, term, expires) in try await connection.query(
                """
                SELECT kind, name, holder, term, expires_at FROM lease WHERE expires_at > \(now.unixSeconds)
                ORDER BY kind, name
                """, logger: self.logger
            ).decode((String, String, String, Int64, Double).self) {
                guard let kind = LeaseKind(rawValue: kind) else { continue }
                leases.append(
                    Lease(
                        kind: kind, name: name, holder: holder, term: term,
                        expiresAt: Date(timeIntervalSince1970: expires)))
            }
            return leases
        }
    }
}

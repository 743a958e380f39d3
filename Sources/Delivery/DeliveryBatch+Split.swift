import Rules
import Store

extension DeliveryBatch {
    /// Splits a batch into consecutive pieces whose rendered message fits, each the longest prefix
    /// of what is left that fits (found by bisection, so a piece costs O(log n) renders). A single
    /// row always makes a piece of its own: it cannot be split further. Every row lands in exactly
    /// one piece, in order.
    /// - Parameters:
    ///   - render: renders a candidate piece (throws: the batch cannot be rendered at all).
    ///   - fits: whether a rendered candidate is within the receiver's limit.
    /// - Returns: the pieces with their rendered messages.
    public func split(
        render: (DeliveryBatch) throws -> RenderedMessage, fits: (DeliveryBatch, RenderedMessage) -> Bool
    ) rethrows -> [(DeliveryBatch, RenderedMessage)] {
        var pieces: [(DeliveryBatch, RenderedMessage)] = []
        var rest = rows[...]
        while !rest.isEmpty {
            func candidate(_ count: Int) throws -> (DeliveryBatch, RenderedMessage, Bool) {
                let piece = DeliveryBatch(rows: Array(rest.prefix(count)), isDigest: isDigest && count > 1)
                let message = try render(piece)
                return (piece, message, count == 1 || fits(piece, message))
            }
            var best = try candidate(rest.count)
            if !best.2 {
                var good = try candidate(1)
                var low = 1
                var high = rest.count  // known not to fit
                while high - low > 1 {
                    let middle = (low + high) / 2
                    let attempt = try candidate(middle)
                    if attempt.2 {
                        low = middle
                        good = attempt
                    } else {
                        high = middle
                    }
                }
                best = good
            }
            pieces.append((best.0, best.1))
            rest = rest.dropFirst(best.0.rows.count)
        }
        return pieces
    }

    /// The batch cut in two halves (for a 413 answer); a single row stays whole.
    public var halves: [DeliveryBatch] {
        guard rows.count > 1 else { return [self] }
        let middle = rows.count / 2
        return [rows[..<middle], rows[middle...]].map { part in
            DeliveryBatch(rows: Array(part).map(\.withoutMessage), isDigest: isDigest && part.count > 1)
        }
    }
}

extension OutboxRow {
    /// The row with its stored message cleared (when a new membership replaces it).
    var withoutMessage: OutboxRow {
        var row = self
        row.message = nil
        return row
    }
}

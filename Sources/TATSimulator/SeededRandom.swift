import Timekeeping
/// A SplitMix64 pseudo-random generator: tiny, fast, and the same sequence for the same seed on every
/// platform, so a simulated fleet and its injected faults replay identically run after run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) { self.state = seed }

    /// The next 64 random bits (SplitMix64 step).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed value in `0..<1`.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p` (clamped to 0…1).
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A duration uniformly drawn from `range`, at millisecond resolution.
    mutating func duration(in range: ClosedRange<Duration>) -> Duration {
        let low = range.lowerBound.milliseconds
        let high = range.upperBound.milliseconds
        guard high > low else { return range.lowerBound }
        return .milliseconds(Int64.random(in: low...high, using: &self))
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T {
        items[Int.random(in: 0..<items.count, using: &self)]
    }

    /// `count` lower-case alphanumeric characters, as in `inv-1vll7hda`.
    mutating func identifier(count: Int = 8) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &self)] })
    }
}

extension Duration {
    /// The whole milliseconds of this duration (rounded towards zero).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

import Outbox

extension Silence {
    /// The seconds a duration such as `30m`, `2h`, `1h30m` or `1d` stands for (the rules file's
    /// duration syntax), or `nil` when `text` is not one. For `--for`.
    public static func parseDuration(_ text: String) -> Double? { DurationText.seconds(text) }
}

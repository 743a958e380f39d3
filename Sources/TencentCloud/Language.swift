/// The language of API error messages, sent as `X-TC-Language`. Only the two values the official SDK accepts.
public enum Language: String, Sendable, Hashable, CaseIterable, Codable {
    /// Simplified Chinese, `zh-CN` (the China SDK's default).
    case chinese = "zh-CN"
    /// English, `en-US` (the international SDK's default).
    case english = "en-US"
}

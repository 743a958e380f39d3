import Foundation

/// A task's exit code and output (`InvocationTask.TaskResult`).
public struct TaskResult: Codable, Sendable, Hashable {
    /// The command's exit code.
    public var exitCode: Int?
    /// Base64 of the output, at most 24 KB; empty or absent unless `HideOutput` was false.
    public var output: String?
    /// When the command started executing; may be null.
    @TATTimestamp public var execStartTime: Date?
    /// When it finished; may be null.
    @TATTimestamp public var execEndTime: Date?
    /// How many output bytes were truncated.
    public var dropped: Int?
    /// The COS URL of the full log.
    public var outputUrl: String?
    /// Why uploading the output to COS failed.
    public var outputUploadCOSErrorInfo: String?

    /// Creates a result; every field defaults to nil.
    public init(
        exitCode: Int? = nil, output: String? = nil, execStartTime: Date? = nil, execEndTime: Date? = nil,
        dropped: Int? = nil, outputUrl: String? = nil, outputUploadCOSErrorInfo: String? = nil
    ) {
        self.exitCode = exitCode
        self.output = output
        self.execStartTime = execStartTime
        self.execEndTime = execEndTime
        self.dropped = dropped
        self.outputUrl = outputUrl
        self.outputUploadCOSErrorInfo = outputUploadCOSErrorInfo
    }

    /// The Base64-decoded output bytes; nil when there is no output or it is not valid Base64.
    public var decodedOutputBytes: [UInt8]? {
        guard let output, !output.isEmpty, let data = Data(base64Encoded: output) else { return nil }
        return Array(data)
    }

    /// The decoded output as text (invalid UTF-8 replaced by U+FFFD); nil as for `decodedOutputBytes`.
    public var decodedOutput: String? {
        decodedOutputBytes.map { String(decoding: $0, as: UTF8.self) }
    }

    enum CodingKeys: String, CodingKey {
        case exitCode = "ExitCode"
        case output = "Output"
        case execStartTime = "ExecStartTime"
        case execEndTime = "ExecEndTime"
        case dropped = "Dropped"
        case outputUrl = "OutputUrl"
        case outputUploadCOSErrorInfo = "OutputUploadCOSErrorInfo"
    }
}

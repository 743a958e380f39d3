import Foundation
import TencentCloud

/// Turns fleet records into the shared `TencentCloud` wire models and the API's JSON envelope
/// (`{"Response":{…,"RequestId":"<uuid>"}}`).
enum ResponseBuilder {
    /// The `Invocation` the API returns for a stored invocation; times are simulated dates.
    static func invocation(_ record: FleetInvocation, clock: FleetClock) -> Invocation {
        Invocation(
            invocationId: record.id, commandId: record.commandId, commandName: record.commandName,
            invocationStatus: record.status.rawValue,
            invocationTaskBasicInfoSet: record.tasks.map {
                InvocationTaskBasicInfo(
                    invocationTaskId: $0.id, taskStatus: $0.status.rawValue, instanceId: $0.instanceId)
            },
            description: record.description, startTime: clock.date(at: record.created),
            endTime: record.end.map(clock.date(at:)), createdTime: clock.date(at: record.created),
            updatedTime: clock.date(at: record.updated), parameters: record.parameters, defaultParameters: "{}",
            instanceKind: record.instanceKind, username: record.username, invocationSource: record.invocationSource,
            commandContent: Data(record.commandContent.utf8).base64EncodedString(), commandType: record.commandType,
            timeout: Int(record.timeout), workingDirectory: record.workingDirectory, outputCOSBucketUrl: "",
            outputCOSKeyPrefix: "")
    }

    /// The `InvocationTask` the API returns; `Output` is empty when `hideOutput` is true (the default).
    static func task(
        _ task: FleetTask, of record: FleetInvocation, hideOutput: Bool, clock: FleetClock
    ) -> InvocationTask {
        let visible = task.visibleOutput
        let result = TaskResult(
            exitCode: Int(task.exitCode), output: hideOutput ? "" : Data(visible.bytes).base64EncodedString(),
            execStartTime: task.execStart.map(clock.date(at:)), execEndTime: task.execEnd.map(clock.date(at:)),
            dropped: visible.dropped, outputUrl: "", outputUploadCOSErrorInfo: "")
        let document = CommandDocument(
            content: Data(record.commandContent.utf8).base64EncodedString(), commandType: record.commandType,
            timeout: Int(record.timeout), workingDirectory: record.workingDirectory, username: record.username,
            outputCOSBucketUrl: "", outputCOSKeyPrefix: "")
        return InvocationTask(
            invocationId: record.id, invocationTaskId: task.id, commandId: record.commandId,
            taskStatus: task.status.rawValue, instanceId: task.instanceId, taskResult: result,
            startTime: task.start.map(clock.date(at:)), endTime: task.end.map(clock.date(at:)),
            createdTime: clock.date(at: task.created), updatedTime: clock.date(at: task.updated),
            commandDocument: document, errorInfo: task.errorInfo, invocationSource: record.invocationSource,
            commandName: record.commandName)
    }

    /// `{"Response": <payload>}` as JSON bytes.
    static func envelope(_ payload: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Envelope(response: payload)) else {
            return Array(#"{"Response":{"Error":{"Code":"InternalError","Message":"encoding failed"}}}"#.utf8)
        }
        return Array(data)
    }

    /// The error envelope `{"Response":{"Error":{"Code","Message"},"RequestId"}}`.
    static func error(_ error: APIError, requestId: String) -> [UInt8] {
        envelope(ErrorPayload(error: .init(code: error.code, message: error.message), requestId: requestId))
    }

    private struct Envelope<Payload: Encodable>: Encodable {
        var response: Payload
        enum CodingKeys: String, CodingKey { case response = "Response" }
    }

    private struct ErrorPayload: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
            enum CodingKeys: String, CodingKey {
                case code = "Code"
                case message = "Message"
            }
        }
        var error: Body
        var requestId: String
        enum CodingKeys: String, CodingKey {
            case error = "Error"
            case requestId = "RequestId"
        }
    }
}

/// The two TAT actions Tattle needs (service `tat`, version `2020-10-28`), on top of an `APIClient`.
///
/// Requests are validated against the documented limits before anything is sent (`ValidationError`).
public struct TATClient: Sendable {
    /// The credential-scope service name, `tat`.
    public static let service = "tat"
    /// The API version, `2020-10-28`.
    public static let version = "2020-10-28"

    /// The generic client that signs, sends, retries and rate-limits.
    public let api: APIClient
    /// The region used when a call passes none. Default `ap-guangzhou`.
    public var defaultRegion: String

    /// Wraps a generic client; `defaultRegion` defaults to `ap-guangzhou`.
    public init(api: APIClient, defaultRegion: String = "ap-guangzhou") {
        self.api = api
        self.defaultRegion = defaultRegion
    }

    /// Convenience: a client for `credentials` with `configuration` (default: the China-site endpoint).
    public init(
        credentials: Credentials, configuration: APIClient.Configuration = .init(),
        defaultRegion: String = "ap-guangzhou"
    ) {
        self.init(api: APIClient(credentials: credentials, configuration: configuration), defaultRegion: defaultRegion)
    }

    /// `DescribeInvocations`: one page of invocations.
    /// - Parameter region: default `defaultRegion`.
    /// - Throws: `ValidationError` before sending; `APIError`, `ClientError` or `CancellationError` after.
    public func describeInvocations(
        _ request: DescribeInvocationsRequest, region: String? = nil
    ) async throws -> DescribeInvocationsResponse {
        try request.validate()
        return try await api.call(
            service: Self.service, action: "DescribeInvocations", version: Self.version,
            region: region ?? defaultRegion, body: request, as: DescribeInvocationsResponse.self)
    }

    /// `DescribeInvocationTasks`: one page of tasks. Send `hideOutput: false` to get `TaskResult.Output`.
    /// - Parameter region: default `defaultRegion`.
    /// - Throws: `ValidationError` before sending; `APIError`, `ClientError` or `CancellationError` after.
    public func describeInvocationTasks(
        _ request: DescribeInvocationTasksRequest, region: String? = nil
    ) async throws -> DescribeInvocationTasksResponse {
        try request.validate()
        return try await api.call(
            service: Self.service, action: "DescribeInvocationTasks", version: Self.version,
            region: region ?? defaultRegion, body: request, as: DescribeInvocationTasksResponse.self)
    }
}

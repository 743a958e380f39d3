import Foundation
import TATSimulator
import TencentCloud

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends hand-signed TAT requests to a simulator over real loopback HTTP (URLSession), signing with the
/// shared `TC3Signer` exactly as a client would.
struct SimulatorCaller: Sendable {
    /// What came back: the HTTP status, the raw body and, when it parsed, `Response`.
    struct Reply: @unchecked Sendable {
        var status: Int
        var body: Data
        /// The `Response` object; `@unchecked` because JSONSerialization gives `Any`, read-only here.
        var response: [String: Any]?

        /// `Response.Error.Code`, nil for a success.
        var errorCode: String? { (response?["Error"] as? [String: Any])?["Code"] as? String }

        /// Decodes `{"Response": T}` with the shared models.
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder().decode(Envelope<T>.self, from: body).response
        }
    }

    private struct Envelope<T: Decodable>: Decodable {
        var response: T
        enum CodingKeys: String, CodingKey { case response = "Response" }
    }

    var endpoint: String
    var host: String
    var credentials = TATSimulator.testCredentials
    var region: String? = "ap-guangzhou"
    var version: String? = "2020-10-28"
    var signedHeaders: TC3Signer.SignedHeaders = .contentTypeHost
    /// The timestamp to sign with; nil means now.
    var timestamp: Int64?
    /// Replaces the Authorization header when set ("" removes it).
    var authorization: String?
    var service = "tat"

    init(_ simulator: TATSimulator) async {
        endpoint = await simulator.endpoint
        host = await simulator.hostAndPort
    }

    /// POSTs `body` as `action`, signed.
    func call(_ action: String, _ body: String = "{}") async throws -> Reply {
        let bytes = Array(body.utf8)
        let stamp = timestamp ?? Int64(Date().timeIntervalSince1970)
        let signature = TC3Signer.sign(
            credentials: credentials, service: service, host: host, action: action, timestamp: stamp,
            contentType: "application/json", body: bytes, signedHeaders: signedHeaders)
        var request = URLRequest(url: URL(string: endpoint + "/")!)
        request.httpMethod = "POST"
        request.httpBody = Data(bytes)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(host, forHTTPHeaderField: "Host")
        request.setValue(action, forHTTPHeaderField: "X-TC-Action")
        request.setValue(String(stamp), forHTTPHeaderField: "X-TC-Timestamp")
        if let version { request.setValue(version, forHTTPHeaderField: "X-TC-Version") }
        if let region { request.setValue(region, forHTTPHeaderField: "X-TC-Region") }
        let auth = authorization ?? signature.authorization
        if !auth.isEmpty { request.setValue(auth, forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return Reply(status: status, body: data, response: object?["Response"] as? [String: Any])
    }

    /// `DescribeInvocations` decoded with the shared model; fails the test on an API error.
    func invocations(_ body: String = "{}") async throws -> DescribeInvocationsResponse {
        let reply = try await call("DescribeInvocations", body)
        if let code = reply.errorCode { throw UnexpectedError(code: code) }
        return try reply.decode(DescribeInvocationsResponse.self)
    }

    /// `DescribeInvocationTasks` decoded with the shared model; fails the test on an API error.
    func tasks(_ body: String = "{}") async throws -> DescribeInvocationTasksResponse {
        let reply = try await call("DescribeInvocationTasks", body)
        if let code = reply.errorCode { throw UnexpectedError(code: code) }
        return try reply.decode(DescribeInvocationTasksResponse.self)
    }

    struct UnexpectedError: Error { var code: String }
}

/// Starts a simulator in manual time for one test and stops it afterwards.
func withSimulator(
    _ configuration: TATSimulator.Configuration = .init(),
    _ body: (TATSimulator, SimulatorCaller) async throws -> Void
) async throws {
    let simulator = try await TATSimulator(configuration: configuration)
    try await simulator.start()
    do {
        try await body(simulator, await SimulatorCaller(simulator))
        await simulator.stop()
    } catch {
        await simulator.stop()
        throw error
    }
}

import Curl
import Foundation

/// `tattle probe URL`: a dependency-free health check for the container image (the slim runtime
/// image has libcurl but no curl binary). Succeeds when the URL answers 2xx within the timeout.
public enum Probe {
    /// Returns nil on success, or a one-line reason.
    public static func run(url: String, timeoutSeconds: Double = 5) async -> String? {
        let client = CurlClient()
        defer { client.shutdown() }
        do {
            let response = try await client.execute(
                HTTPRequest(url: url, timeout: Timeout(connect: .seconds(2), total: .seconds(timeoutSeconds))))
            return (200..<300).contains(response.status) ? nil : "HTTP \(response.status)"
        } catch {
            return "\(error)"
        }
    }
}

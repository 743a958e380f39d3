import Curl
import Foundation
import Rules
import Secrets

extension Classifier {
    /// Classifies an HTTP response from libcurl; see ``classify(platform:status:headers:body:now:redactor:)``.
    public static func classify(
        platform: Platform, response: HTTPResponse, now: Date, redactor: SecretSet = SecretSet()
    ) -> Classification {
        classify(
            platform: platform, status: response.status, headers: response.headers.map { ($0.name, $0.value) },
            body: response.body, now: now, redactor: redactor)
    }

    /// Classifies a transfer that failed before a response arrived (or an SMTP refusal).
    ///
    /// SMTP `4xx` replies are transient and `5xx` permanent; otherwise the error's own
    /// ``CurlError/isRetryable`` decides (network trouble and timeouts are transient; certificate
    /// problems and invalid requests are permanent configuration problems).
    public static func classify(error: CurlError, redactor: SecretSet = SecretSet()) -> Classification {
        let message = redactor.scrub(error.description)
        if error.code == .smtpRejected, let reply = error.responseCode {
            let outcome: Outcome =
                (400..<500).contains(reply)
                ? .transient("SMTP \(reply): \(message)") : .permanent("SMTP \(reply): \(message)")
            return Classification(outcome, responseExcerpt: message)
        }
        if error.code == .timeout { return Classification(.transient("timeout: \(message)")) }
        return Classification(error.isRetryable ? .transient(message) : .permanent(message))
    }
}

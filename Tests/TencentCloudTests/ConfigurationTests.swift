import Testing

@testable import TencentCloud

/// Credentials from the environment, endpoint parsing and the Host header curl sends.
@Suite("Credentials and endpoint")
struct ConfigurationTests {
    @Test("credentials come from the three variables; the token is optional")
    func fromEnvironment() throws {
        let credentials = try Credentials.fromEnvironment([
            "TENCENTCLOUD_SECRET_ID": "AKIDabc", "TENCENTCLOUD_SECRET_KEY": "key", "TENCENTCLOUD_SESSION_TOKEN": "tok",
        ])
        #expect(credentials == Credentials(secretId: "AKIDabc", secretKey: "key", sessionToken: "tok"))
        let permanent = try Credentials.fromEnvironment([
            "TENCENTCLOUD_SECRET_ID": "AKIDabc", "TENCENTCLOUD_SECRET_KEY": "key",
        ])
        #expect(permanent.sessionToken == nil)
    }

    @Test(
        "a missing or empty variable is named in the error",
        arguments: [
            ([String: String](), "TENCENTCLOUD_SECRET_ID"), (["TENCENTCLOUD_SECRET_ID": ""], "TENCENTCLOUD_SECRET_ID"),
            (["TENCENTCLOUD_SECRET_ID": "AKID"], "TENCENTCLOUD_SECRET_KEY"),
            (["TENCENTCLOUD_SECRET_ID": "AKID", "TENCENTCLOUD_SECRET_KEY": ""], "TENCENTCLOUD_SECRET_KEY"),
        ])
    func missing(_ environment: [String: String], _ variable: String) {
        let error = #expect(throws: CredentialsError.self) { try Credentials.fromEnvironment(environment) }
        #expect(error?.missingVariable == variable)
        #expect(error?.description.contains(variable) == true)
    }

    @Test("descriptions redact the key and token, showing four characters of the SecretId")
    func redaction() {
        let credentials = Credentials(secretId: "AKIDz8krbsJ5", secretKey: "SUPERSECRET", sessionToken: "TOKEN123")
        for text in ["\(credentials)", String(reflecting: credentials), "\([credentials])"] {
            #expect(!text.contains("SUPERSECRET"))
            #expect(!text.contains("TOKEN123"))
            #expect(!text.contains("z8krbsJ5"))
            #expect(text.contains("AKID…"))
        }
    }

    @Test(
        "endpoints parse, and the Host header omits only the scheme's default port",
        arguments: [
            ("https://tat.tencentcloudapi.com", "tat.tencentcloudapi.com", "https://tat.tencentcloudapi.com/"),
            ("https://tat.tencentcloudapi.com/", "tat.tencentcloudapi.com", "https://tat.tencentcloudapi.com/"),
            (
                "https://TAT.intl.tencentcloudapi.com:443", "tat.intl.tencentcloudapi.com",
                "https://tat.intl.tencentcloudapi.com/"
            ),
            ("http://127.0.0.1:8080", "127.0.0.1:8080", "http://127.0.0.1:8080/"),
            ("http://localhost:80", "localhost", "http://localhost/"),
            ("https://example.com:80", "example.com:80", "https://example.com:80/"),
            ("http://[::1]:9000", "[::1]:9000", "http://[::1]:9000/"),
        ])
    func endpoints(_ text: String, _ host: String, _ url: String) throws {
        let endpoint = try Endpoint.parse(text)
        #expect(endpoint.hostHeader == host)
        #expect(endpoint.url == url)
    }

    @Test(
        "bad endpoints are InvalidEndpoint",
        arguments: [
            "", "tat.tencentcloudapi.com", "ftp://x", "https://", "https://host/path", "https://host:0",
            "https://host:70000", "https://user@host", "https://host?x=1", "https://host:abc",
        ])
    func badEndpoints(_ text: String) {
        let error = #expect(throws: ClientError.self) { try Endpoint.parse(text) }
        #expect(error?.code == .invalidEndpoint)
    }

    @Test("TATTLE_ENDPOINT overrides the default endpoint")
    func endpointFromEnvironment() throws {
        #expect(try APIClient.Configuration.fromEnvironment([:]).endpoint == .tat)
        #expect(try APIClient.Configuration.fromEnvironment(["TATTLE_ENDPOINT": ""]).endpoint == .tat)
        let local = try APIClient.Configuration.fromEnvironment(["TATTLE_ENDPOINT": "http://127.0.0.1:9"])
        #expect(local.endpoint.hostHeader == "127.0.0.1:9")
        #expect(throws: ClientError.self) { try APIClient.Configuration.fromEnvironment(["TATTLE_ENDPOINT": "nope"]) }
    }
}

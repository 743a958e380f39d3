import Curl
import Foundation
import TencentCloud
import Testing

@Suite("Metadata service and STS endpoints")
struct CredentialEndpointTests {
    @Test("STS follows the TAT site unless TATTLE_STS_ENDPOINT names one")
    func stsEndpoint() throws {
        #expect(try SecurityTokenService.fromEnvironment([:]).endpoint.url == "https://sts.tencentcloudapi.com/")
        #expect(
            try SecurityTokenService.fromEnvironment([:], tatEndpoint: .tatInternational).endpoint.url
                == "https://sts.intl.tencentcloudapi.com/")
        let override = try SecurityTokenService.fromEnvironment(
            [SecurityTokenService.endpointVariable: "http://127.0.0.1:8999"], tatEndpoint: .tatInternational)
        #expect(override.endpoint.url == "http://127.0.0.1:8999/")
        let error = #expect(throws: CredentialError.self) {
            try SecurityTokenService.fromEnvironment([SecurityTokenService.endpointVariable: "sts.example/path"])
        }
        #expect(error?.code == .misconfigured)
    }

    @Test("the metadata service is metadata.tencentyun.com unless TATTLE_METADATA_ENDPOINT names one")
    func metadataEndpoint() throws {
        #expect(try MetadataService.fromEnvironment([:]).endpoint.url == "http://metadata.tencentyun.com/")
        #expect(
            try MetadataService.fromEnvironment([MetadataService.endpointVariable: ""]).endpoint.host
                == "metadata.tencentyun.com")
        let local = try MetadataService.fromEnvironment([MetadataService.endpointVariable: "http://[::1]:8080"])
        #expect(local.endpoint.url == "http://[::1]:8080/")
        #expect(MetadataService.defaultTimeout.connect == .seconds(1))
        #expect(throws: CredentialError.self) {
            try MetadataService.fromEnvironment([MetadataService.endpointVariable: "ftp://x"])
        }
    }

    @Test("credentials never show their secrets, with or without an expiry")
    func redaction() {
        let credentials = Credentials(secretId: "AKIDabcdef", secretKey: "very-secret-key", sessionToken: "tok-123456")
        for text in ["\(ExpiringCredentials(credentials))", "\(ExpiringCredentials(credentials, expiration: .now))"] {
            #expect(!text.contains("very-secret-key"))
            #expect(!text.contains("tok-123456"))
            #expect(text.contains("AKID…"))
        }
    }
}

import TencentCloud
import Testing

@Suite("What to fix for refused credentials")
struct APIErrorRemedyTests {
    @Test(
        "each credential or permission error names what to fix; other errors have no remedy",
        arguments: [
            ("AuthFailure.SecretIdNotFound", "TENCENTCLOUD_SECRET_ID"),
            ("AuthFailure.SignatureFailure", "TENCENTCLOUD_SECRET_KEY"),
            ("AuthFailure.SignatureExpire", "clock"),
            ("AuthFailure.TokenFailure", "TENCENTCLOUD_TOKEN"),
            ("UnauthorizedOperation", "tat:DescribeInvocations"),
            ("InternalError", ""),
        ])
    func remedy(code: String, hint: String) {
        let remedy = APIError(code: code, message: "m").remedy
        if hint.isEmpty {
            #expect(remedy == nil)
        } else {
            #expect(remedy?.contains(hint) == true)
        }
    }
}

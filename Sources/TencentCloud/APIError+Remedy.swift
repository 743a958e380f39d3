extension APIError {
    /// What to fix, for the errors that mean the credentials or their permissions are wrong; nil for
    /// others. Names the places credentials come from, never their values.
    public var remedy: String? {
        switch code {
        case "AuthFailure.SecretIdNotFound", "AuthFailure.InvalidSecretId":
            return "the SecretId is unknown or disabled: check the credential source named in the `credentials` "
                + "log line (TENCENTCLOUD_SECRET_ID, the profile file, or the CAM role)"
        case "AuthFailure.SignatureFailure":
            return "the SecretKey does not belong to the SecretId: check TENCENTCLOUD_SECRET_KEY or the profile file"
        case "AuthFailure.SignatureExpire":
            return "this machine's clock is more than 5 minutes off: synchronise it (NTP)"
        case "AuthFailure.TokenFailure":
            return "the session token expired or belongs to other keys: temporary keys need their own token "
                + "(TENCENTCLOUD_SESSION_TOKEN, TENCENTCLOUD_TOKEN or TENCENTCLOUD_SECURITY_TOKEN); a CAM role's "
                + "are fetched again automatically"
        case _ where code.hasPrefix("UnauthorizedOperation") || code == "AuthFailure.UnauthorizedOperation":
            return "the identity may not read TAT: grant tat:DescribeInvocations and tat:DescribeInvocationTasks "
                + "(README, \"Running on TKE / CVM\")"
        default:
            return nil
        }
    }
}

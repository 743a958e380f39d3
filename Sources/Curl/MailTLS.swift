/// How an `smtp://` transfer protects itself with TLS. An `smtps://` URL always uses implicit TLS.
public enum MailTLS: Sendable, Hashable {
    /// STARTTLS is required (`CURLUSESSL_ALL`): a server without it fails with a `.tls` error.
    case required
    /// STARTTLS when the server offers it, plain text otherwise (`CURLUSESSL_TRY`).
    case opportunistic
    /// No STARTTLS (`CURLUSESSL_NONE`).
    case none
}

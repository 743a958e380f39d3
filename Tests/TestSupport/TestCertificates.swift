import Foundation

/// A throwaway certificate authority and a leaf certificate for `127.0.0.1` and `localhost`,
/// made with the `openssl` command line tool, for TLS tests on loopback.
public struct TestCertificates: Sendable {
    /// The directory holding the files.
    public var directory: String
    /// The CA certificate (PEM): pass it as `caBundlePath` to trust the leaf.
    public var caPath: String
    /// The leaf certificate (PEM), signed by the CA, SAN `IP:127.0.0.1, DNS:localhost`.
    public var certificatePath: String
    /// The leaf's private key (PEM, unencrypted).
    public var keyPath: String

    /// Generates a CA and a leaf certificate in `directory` (created if missing), valid for two days.
    public static func make(in directory: String) throws -> TestCertificates {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = { (name: String) in (directory as NSString).appendingPathComponent(name) }
        let certificates = TestCertificates(
            directory: directory, caPath: path("ca.pem"), certificatePath: path("server.pem"),
            keyPath: path("server.key"))
        let extensions = path("server.ext")
        try """
        subjectAltName = IP:127.0.0.1, DNS:localhost
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth

        """.write(toFile: extensions, atomically: true, encoding: .utf8)
        let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(
            ["req", "-x509"] + ecKey + [
                "-keyout", path("ca.key"), "-out", certificates.caPath, "-days", "2", "-subj", "/CN=Tattle Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try openssl(
            ["req"] + ecKey + [
                "-keyout", certificates.keyPath, "-out", path("server.csr"), "-subj", "/CN=localhost",
            ])
        try openssl([
            "x509", "-req", "-in", path("server.csr"), "-CA", certificates.caPath, "-CAkey", path("ca.key"),
            "-CAcreateserial", "-out", certificates.certificatePath, "-days", "2", "-extfile", extensions,
        ])
        return certificates
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSupportError(
                "openssl \(arguments.first ?? "") failed (\(process.terminationStatus)): "
                    + String(decoding: stderr, as: UTF8.self))
        }
    }
}

/// A fresh directory under the system's temporary directory.
public enum TemporaryDirectory {
    /// Creates `…/tattle-<prefix>-XXXXXX` and returns its path. Tests remove it when they like.
    public static func make(prefix: String = "test") throws -> String {
        let template = NSTemporaryDirectory() + "tattle-\(prefix)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw TestSupportError("mkdtemp failed: errno \(errno)") }
        return String(cString: made)
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one-writer-per-state-directory guard: an exclusive `flock` on `tattle.lock` in the state
/// directory, held for the life of the process that writes the snapshot (`tattle run`,
/// `tattle watch`). The lock file holds the holder's pid, for the message a second writer gets.
///
/// `flock` locks belong to the open file, so the kernel releases the lock when the holder exits,
/// however it exits: a crashed daemon never leaves a stale lock. Read-only commands (`deliveries`)
/// and `replay` do not take it.
public final class StateDirectoryLock: Sendable {
    /// The lock file's name inside the state directory.
    public static let fileName = "tattle.lock"

    /// The state directory this lock guards.
    public let directory: URL
    private let descriptor: Int32

    /// Another process holds the state directory.
    public struct Held: Error, Sendable, CustomStringConvertible {
        /// The state directory.
        public var directory: String
        /// The holder's pid, when the lock file names one.
        public var holderPid: Int32?

        public var description: String {
            "the state directory \(directory) is in use by another tattle process"
                + (holderPid.map { " (pid \($0))" } ?? "")
                + "; only one `tattle run` or `tattle watch` may write it at a time "
                + "(`tattle deliveries` and `tattle replay` work beside it)"
        }
    }

    /// Takes the lock without waiting, creating the directory (mode 0700) and the lock file as needed.
    /// - Throws: ``Held`` when another process holds it; a `CocoaError`/`POSIXError` when the
    ///   directory or the file cannot be created.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.readPid(descriptor)
            close(descriptor)
            if code == EWOULDBLOCK { throw Held(directory: directory.path, holderPid: holder) }
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.directory = directory
        self.descriptor = descriptor
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }

    private static func readPid(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reports changes to one file through inotify on its directory, so both an in-place edit
/// (`IN_CLOSE_WRITE`) and an editor's atomic replace (write a temp file, rename: `IN_MOVED_TO`) are
/// seen, and a file recreated after deletion keeps being watched.
///
/// The blocking `poll(2)` runs on its own thread, never on Swift's cooperative pool.
public final class FileChangeMonitor: Sendable {
    private let path: URL
    private let stopped = Mutex(false)

    public init(path: URL) {
        self.path = path.standardizedFileURL
    }

    /// A stream that yields once per batch of changes to the file; it ends when ``stop()`` is called
    /// or the consuming task is cancelled. If inotify is unavailable the stream ends at once.
    public func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        #if canImport(Glibc)
        let directory = path.deletingLastPathComponent().path
        let name = path.lastPathComponent
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else {
            continuation.finish()
            return stream
        }
        let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_DELETE)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            close(fd)
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [self] _ in self.stop() }
        let thread = Thread { [self] in
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !stopped.withLock({ $0 }) {
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 250) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { continue }
                if Self.mentions(name, in: buffer[..<count]) { continuation.yield() }
            }
            continuation.finish()
        }
        thread.name = "tattle-inotify"
        thread.start()
        #else
        continuation.finish()
        #endif
        return stream
    }

    /// Stops the monitoring thread (within about 250 ms).
    public func stop() { stopped.withLock { $0 = true } }

    #if canImport(Glibc)
    /// Whether any inotify event record in `bytes` names the file.
    static func mentions(_ name: String, in bytes: ArraySlice<UInt8>) -> Bool {
        let header = MemoryLayout<inotify_event>.size
        var offset = bytes.startIndex
        while offset + header <= bytes.endIndex {
            let length = bytes[offset + 12..<offset + 16].withUnsafeBytes { Int($0.loadUnaligned(as: UInt32.self)) }
            let nameStart = offset + header
            let nameEnd = min(nameStart + length, bytes.endIndex)
            let raw = bytes[nameStart..<nameEnd].prefix { $0 != 0 }
            if String(decoding: raw, as: UTF8.self) == name { return true }
            offset = nameEnd
        }
        return false
    }
    #endif
}

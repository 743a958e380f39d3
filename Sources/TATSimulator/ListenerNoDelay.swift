import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Turns Nagle's algorithm off on this process's listening TCP socket for `port`, so the sockets it
/// accepts (which inherit the option on Linux) send at once.
///
/// FlyingFox writes a response's header and body with separate `write`s and sets no `TCP_NODELAY`:
/// with Nagle on, a body that follows the header waits for the header's ACK, which the client
/// (libcurl, like any client with nothing to send) delays by up to 40 ms. A real API server answers
/// without that stall; the simulator should too, or every figure measured through it carries a
/// 40 ms artefact per answer. FlyingFox does not expose its sockets, so the listening one is found
/// by its inode (`/proc/net/tcp`) among this process's descriptors. Best effort: returns whether it
/// was set.
@discardableResult
func disableNagle(onListeningPort port: UInt16) -> Bool {
    #if os(Linux)
        let hexPort = String(format: "%04X", port)
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // local_address is "ADDR:PORT"; state 0A is LISTEN; the inode is field 9.
                guard fields.count > 9, fields[1].hasSuffix(":" + hexPort), fields[3] == "0A" else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        guard !inodes.isEmpty,
            let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        else { return false }
        var done = false
        for name in descriptors {
            guard let fd = Int32(name),
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
                target.hasPrefix("socket:["), inodes.contains(String(target.dropFirst(8).dropLast()))
            else { continue }
            var on: Int32 = 1
            if setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 {
                done = true
            }
        }
        return done
    #else
        return false
    #endif
}

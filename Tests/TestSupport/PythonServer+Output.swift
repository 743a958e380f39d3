import Foundation
import Synchronization

extension PythonServer {
    /// What a script wrote, split into lines; filled from the pipes' reader threads.
    final class Output: Sendable {
        private struct State {
            var pending: [UInt8] = []
            var port: UInt16?
            var lines: [String] = []
            var stderr: [UInt8] = []
        }

        private let state = Mutex(State())

        var listeningPort: UInt16? { state.withLock { $0.port } }
        var lines: [String] { state.withLock { $0.lines } }
        var errorText: String { state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

        func append(stdout data: Data) {
            state.withLock { state in
                state.pending += data
                while let newline = state.pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: state.pending[..<newline], as: UTF8.self)
                    state.pending.removeSubrange(...newline)
                    if state.port == nil, line.hasPrefix("LISTENING "), let port = UInt16(line.dropFirst(10)) {
                        state.port = port
                    } else if state.port != nil {
                        state.lines.append(line)
                    }
                }
            }
        }

        func append(stderr data: Data) {
            state.withLock { $0.stderr += data }
        }
    }
}

/// Child processes to kill if the test process exits without stopping them.
enum ChildProcesses {
    private static let live = Mutex<Set<Int32>>([])
    private static let installAtExit: Void = {
        atexit {
            for pid in ChildProcesses.live.withLock({ $0 }) { kill(pid, SIGKILL) }
        }
    }()

    static func register(_ pid: Int32) {
        _ = installAtExit
        live.withLock { _ = $0.insert(pid) }
    }

    static func unregister(_ pid: Int32) {
        live.withLock { _ = $0.remove(pid) }
    }
}

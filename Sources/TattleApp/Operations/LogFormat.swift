import Foundation
import Logging

/// How log lines are written to standard error.
public enum LogFormat: String, Sendable, CaseIterable {
    /// JSON lines when standard error is not a terminal, readable text when it is (the default).
    case auto
    /// One JSON object per line: `ts`, `level`, `label`, `msg` and the metadata as fields.
    case json
    /// `2026-11-29T06:55:13Z info tattle.watcher: message key=value …`
    case text

    /// Resolves ``auto`` against the actual standard error.
    public var resolved: LogFormat {
        guard self == .auto else { return self }
        return isatty(STDERR_FILENO) == 1 ? .text : .json
    }
}

/// Installs Tattle's log handlers once per process: to standard error, in `format`, at `level`,
/// every line passed through ``SecretScrubber/shared``.
public enum LogSetup {
    private static let once: Void = ()

    /// Bootstraps swift-log. Later calls are ignored (swift-log allows one bootstrap per process).
    public static func bootstrap(format: LogFormat = .auto, level: Logger.Level = .info) {
        let resolved = format.resolved
        Bootstrap.run {
            LoggingSystem.bootstrap { label in
                var handler = StderrLogHandler(label: label, format: resolved, scrubber: .shared)
                handler.logLevel = level
                return handler
            }
        }
    }
}

/// Runs a closure at most once per process.
private enum Bootstrap {
    private static let done = Mutex(false)

    static func run(_ body: () -> Void) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first { body() }
    }
}

import Synchronization

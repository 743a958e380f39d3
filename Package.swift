// swift-tools-version:6.0
import PackageDescription

/// Settings every Tattle module compiles with: Swift 6 language mode plus the upcoming features
/// the house style asks for.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "tattle",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tattle", targets: ["tattle"]),
        .executable(name: "tattle-bench", targets: ["tattle-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // postgres-nio's own dependencies, named because PostgresStore uses their types (ByteBuffer, TLS).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libcurl, seen through a module map and typed shims for its variadic C API.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // RE2 behind a small C face: the linear-time regex engine for the rules file's "regex" operator.
        .target(
            name: "CRE2",
            path: "Sources/CRE2",
            linkerSettings: [.linkedLibrary("re2")]
        ),
        // Async HTTP(S) and SMTP over the libcurl multi interface; its errors are scrubbed by Secrets. No
        // domain knowledge.
        .target(
            name: "Curl",
            dependencies: ["CCurl", "Secrets"],
            swiftSettings: strict
        ),
        // The secrets Tattle knows and the one way to scrub them from text. No domain knowledge.
        .target(name: "Secrets", swiftSettings: strict),
        // Time arithmetic without a clock: Duration in seconds, UTC civil dates, jittered backoff.
        .target(name: "Timekeeping", swiftSettings: strict),
        // TC3 signing, the generic Tencent Cloud API call, and the TAT models and actions.
        .target(
            name: "TencentCloud",
            dependencies: [
                "Curl", "Secrets", "Timekeeping",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A faithful TAT endpoint on loopback: signatures, limits, a scripted fleet, faults.
        .target(
            name: "TATSimulator",
            dependencies: [
                "Timekeeping",
                "TencentCloud",
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The event model, snapshots and the pure differ. No I/O, no clock.
        .target(
            name: "Events",
            dependencies: ["Timekeeping", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // Polling strategy, enrichment of failed tasks, stuck detection; owns the protocols it needs
        // (snapshot source, cycle sink), so it knows no storage.
        .target(
            name: "Watcher",
            dependencies: [
                "Timekeeping",
                "TencentCloud", "Events",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // The value types the rules engine decides and the store keeps and applies in a commit: dispatches,
        // noise memory, silences (matched against events by field path and glob, hence Events).
        .target(name: "Outbox", dependencies: ["Events"], swiftSettings: strict),
        // The ops-edited rules file: model, validation, matching, noise control, templates, presets.
        .target(
            name: "Rules",
            dependencies: [
                "Timekeeping",
                "Events", "Outbox", "CRE2", "Secrets",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        // SQLite (WAL) persistence: snapshot, outbox, noise state, dead letters, silences (the model and
        // its matching, applied inside the commit, are Outbox's).
        .target(
            name: "Store",
            dependencies: [
                "Timekeeping",
                "Events", "Outbox",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // PostgreSQL persistence for several replicas: the same protocols as the SQLite store, plus leases
        // with a fencing term that every commit checks.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Events", "Outbox", "Store",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Outbox processing, webhook and SMTP transports, success classification, retries.
        .target(
            name: "Delivery",
            dependencies: [
                "Secrets", "Timekeeping",
                "Curl", "Rules", "Outbox", "Store", "Events",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Where a watcher cycle becomes durable: evaluate the rules, commit snapshot + events + outbox
        // rows + noise memory in one transaction, then update the memory.
        .target(
            name: "Pipeline",
            dependencies: [
                "Events", "Outbox", "Rules", "Store", "Watcher",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Replicas sharing one database: replica ids, the pure balancer, the lease coordinator.
        .target(
            name: "Coordination",
            dependencies: [
                "Timekeeping", "Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Configuration, wiring, services, the status endpoint, reload, the demo.
        .target(
            name: "TattleApp",
            dependencies: [
                "Secrets", "Timekeeping",
                "Curl", "TencentCloud", "TATSimulator", "Events", "Watcher", "Outbox", "Rules", "Store",
                "PostgresStore", "Pipeline", "Delivery", "Coordination",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: strict
        ),
        // The command line: argument parsing and exit codes only.
        .executableTarget(
            name: "tattle",
            dependencies: [
                "TattleApp", "TencentCloud", "Rules", "Store",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Release-built benchmarks: every figure next to a baseline measured in the same run.
        .executableTarget(
            name: "tattle-bench",
            dependencies: [
                "Timekeeping",
                "TattleApp", "Curl", "TencentCloud", "TATSimulator", "Events", "Watcher", "Outbox", "Rules", "Store",
                "PostgresStore", "Pipeline", "Delivery", "TestSupport",
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Loopback servers and process helpers shared by the test targets.
        .target(
            name: "TestSupport",
            dependencies: [
                "Timekeeping",
                "Curl", "TencentCloud", "TATSimulator",
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
                "PostgresStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "Secrets", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "TencentCloudTests",
            dependencies: [
                "Timekeeping",
                "TencentCloud", "TATSimulator", "Curl", "Events", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "EventsTests", dependencies: ["Events"], swiftSettings: strict),
        .testTarget(
            name: "WatcherTests",
            dependencies: [
                "Watcher", "Events", "Outbox", "Rules", "Store", "Pipeline", "TencentCloud", "TATSimulator",
                "TestSupport",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Watcher", "Store", "Rules", "Outbox", "Events",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Reads Package.swift and README.md: the declared module graph is the one drawn, and imported.
        .testTarget(name: "ModuleGraphTests", swiftSettings: strict),
        .testTarget(
            name: "RulesTests", dependencies: ["Rules", "Outbox", "Events"], exclude: ["Fixtures"],
            swiftSettings: strict),
        // GRDB too: one test opens a raw connection to leave a transaction uncommitted. The behaviour
        // tests run against both stores (PostgreSQL through TestSupport's server).
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Timekeeping", "Store", "PostgresStore", "Events", "Outbox", "Rules", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DeliveryTests",
            dependencies: [
                "Secrets", "Timekeeping",
                "Delivery", "Store", "Outbox", "Rules", "Events", "Curl", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CoordinationTests",
            dependencies: [
                "Coordination", "Store", "PostgresStore", "Pipeline", "Rules", "Events", "Outbox", "TATSimulator",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TattleAppTests",
            dependencies: [
                "TattleApp", "TestSupport", "Store", "PostgresStore", "Coordination", "Outbox", "Rules", "Events",
                "TATSimulator", "TencentCloud",
                "Curl", "Watcher", "Delivery",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
    ],
    cxxLanguageStandard: .cxx17
)

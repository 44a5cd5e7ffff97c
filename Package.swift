// swift-tools-version:6.1
import PackageDescription

// Linux only: the store, the run lock and the console call Glibc directly (no Apple platform is claimed).
let package = Package(
    name: "salvo",
    products: [
        .executable(name: "salvo", targets: ["salvo"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // The schema's only source: migrations/NNNN_name.sql, embedded into the binary at build time.
        .target(
            name: "SalvoMigrations",
            path: "migrations",
            plugins: ["EmbedMigrations"]
        ),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["MigrationEmbedder"]
        ),
        // PostgreSQL's schema, beside SQLite's and embedded the same way.
        .target(
            name: "SalvoPostgresMigrations",
            path: "migrations-postgres",
            plugins: ["EmbedMigrations"]
        ),
        .executableTarget(name: "MigrationEmbedder"),

        .target(
            name: "SalvoCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // The storage protocols, their shared values and the storage error: what every backend implements.
        .target(name: "SalvoStorage", dependencies: ["SalvoCore"]),
        // The SQLite backend: the only module that imports GRDB.
        .target(
            name: "SalvoSQLite",
            dependencies: [
                "SalvoCore",
                "SalvoStorage",
                "SalvoMigrations",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C interface, for the ledger's insert (bound without GRDB's argument boxing).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The PostgreSQL backend, for a team's shared store: the only module that imports PostgresNIO.
        .target(
            name: "SalvoPostgres",
            dependencies: [
                "SalvoCore",
                "SalvoStorage",
                "SalvoPostgresMigrations",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "SalvoHTTP",
            dependencies: [
                "SalvoCore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Planning, the run lifecycle and engine, send, replay, reports and exports: what any front end calls.
        .target(
            name: "SalvoRunner",
            dependencies: ["SalvoCore", "SalvoStorage", "SalvoHTTP"]
        ),
        // The one place that picks a store's backend from its location.
        .target(name: "SalvoBackends", dependencies: ["SalvoCore", "SalvoStorage", "SalvoSQLite", "SalvoPostgres"]),
        .target(
            name: "SalvoSandbox",
            dependencies: ["SalvoCore", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .target(
            name: "SalvoCLI",
            dependencies: [
                "SalvoCore",
                "SalvoStorage",
                "SalvoBackends",
                "SalvoSQLite",
                "SalvoRunner",
                "SalvoSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "salvo", dependencies: ["SalvoCLI"]),
        // `make bench`'s benchmark of a backend's ledger alone (not installed).
        .executableTarget(
            name: "salvo-ledger-bench", dependencies: ["SalvoBackends", "SalvoCore", "SalvoStorage"],
            path: "Sources/LedgerBench"),

        .testTarget(name: "SalvoCoreTests", dependencies: ["SalvoCore"]),
        .testTarget(
            name: "SalvoSandboxTests",
            dependencies: [
                "SalvoSandbox", "SalvoHTTP", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "SalvoRunnerTests", dependencies: ["SalvoRunner", "SalvoStorage", "SalvoSQLite", "SalvoSandbox"]
        ),
        .testTarget(
            name: "SalvoSQLiteTests",
            dependencies: [
                "SalvoSQLite", "SalvoStorage", "SalvoMigrations", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"]
        ),
        // Commands run in process, their output pinned in golden files (`make golden` re-records them).
        .testTarget(
            name: "SalvoCLITests", dependencies: ["SalvoCLI", "SalvoRunner", "SalvoSandbox"], exclude: ["Golden"]),
        // What the tests share: a throwaway PostgreSQL cluster, child processes waited for without signals.
        .target(name: "SalvoTestSupport", path: "Tests/SalvoTestSupport"),
        // One conformance suite, run against every backend.
        .testTarget(
            name: "SalvoStorageTests",
            dependencies: ["SalvoStorage", "SalvoSQLite", "SalvoPostgres", "SalvoRunner", "SalvoTestSupport"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "salvo", "SalvoCore", "SalvoSandbox", "SalvoSQLite", "SalvoTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)

// swift-tools-version:6.1
import PackageDescription

// The realtime path's targets skip the run-time exclusivity checks in release builds: they were 4% of the
// server's CPU at 1,000 players (swift_beginAccess on every class property touched per packet). Debug
// builds, which the tests run, keep them, so an overlapping access still fails there.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "netcode",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "netcode", targets: ["netcode"]),
        .library(name: "GameSimulation", targets: ["GameSimulation"]),
        .library(name: "NetcodeProtocol", targets: ["NetcodeProtocol"]),
        .library(name: "LinkEmulator", targets: ["LinkEmulator"]),
        // The decoders as fuzz targets, for the libFuzzer package in Fuzz/ and the corpus-replay test.
        .library(name: "DecoderFuzzing", targets: ["DecoderFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // The one seeded generator every reproducible draw comes from (game, link model, lab, bots).
        .target(name: "SeededRandom"),
        // The transport a match's realtime traffic takes (udp or tcp), shared by the protocol, the store and the reports.
        .target(name: "NetcodeTransport"),
        // Pure game rules: no I/O, no clock reads.
        .target(name: "GameSimulation", dependencies: ["SeededRandom"], swiftSettings: hotPath),
        // HMAC-SHA256 for packet tags in C: pads hashed once per session, the processor's SHA extensions
        // when it has them, no allocation per packet.
        .target(name: "CPacketTag"),
        // Datagrams of one loop turn sent from one buffer with sendmmsg, with per-datagram errors: the
        // realtime loops' send path (no per-packet envelope, promise or copy).
        .target(name: "CDatagramBatch"),
        .target(
            name: "DatagramBatch",
            dependencies: ["CDatagramBatch", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: hotPath
        ),
        // Wire messages and codecs, sequence windows, authentication. No sockets.
        .target(
            name: "NetcodeProtocol",
            dependencies: [
                "NetcodeTransport",
                "CPacketTag",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: hotPath
        ),
        // Seeded link model and the in-process datagram impairment.
        .target(
            name: "LinkEmulator",
            dependencies: [
                "SeededRandom",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Every decoder of outside bytes or text as a fuzz target, with seeds from the encoders.
        .target(
            name: "DecoderFuzzing",
            dependencies: [
                "NetcodeProtocol",
                "LinkEmulator",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // SQLite through GRDB: accounts, matches, results, comparison runs.
        .target(
            name: "NetcodeStore",
            dependencies: [
                "NetcodeTransport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "NetcodeServer",
            dependencies: [
                "GameSimulation",
                "NetcodeProtocol",
                "NetcodeStore",
                "LinkEmulator",
                "DatagramBatch",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: hotPath
        ),
        // Clients of the lobby and realtime protocols, used by the bots and the tests.
        .target(
            name: "NetcodeClient",
            dependencies: [
                "SeededRandom",
                "DatagramBatch",
                "NetcodeProtocol",
                "LinkEmulator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: hotPath
        ),
        // The bot swarm: load generator and meter of what a player feels.
        .target(
            name: "BotSwarm",
            dependencies: [
                "NetcodeClient",
                "NetcodeProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: hotPath
        ),
        // The network lab: two namespaces joined by a TUN link emulator (Linux).
        .target(name: "CNetworkLab"),
        .target(name: "NetworkLab", dependencies: ["LinkEmulator", "CNetworkLab", "SeededRandom"]),
        // The TCP-vs-UDP report: pure values and their renderers (table, SVG chart, HTML page, CSV). The runs
        // that produce it live with `netcode compare`.
        .target(name: "Comparison", dependencies: ["NetcodeTransport"]),
        // `netcode sockets`: experiments on real sockets with the kernel's counters as evidence (mtu in the lab).
        .target(
            name: "SocketExperiments",
            dependencies: [
                "NetworkLab",
                "LinkEmulator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "netcode",
            dependencies: [
                "NetcodeServer",
                "NetcodeStore",
                "BotSwarm",
                "Comparison",
                "NetcodeClient",
                "NetcodeProtocol",
                "LinkEmulator",
                "NetworkLab",
                "SocketExperiments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom"]),
        .testTarget(name: "GameSimulationTests", dependencies: ["GameSimulation"]),
        .testTarget(name: "ComparisonTests", dependencies: ["Comparison", "NetcodeTransport"]),
        .testTarget(name: "CompareCommandTests", dependencies: ["netcode", "Comparison", "NetworkLab", "NetcodeStore", "NetcodeTransport"]),
        .testTarget(name: "SocketExperimentsTests", dependencies: ["SocketExperiments"]),
        .testTarget(name: "NetworkLabTests", dependencies: ["NetworkLab", "LinkEmulator"]),
        .testTarget(
            name: "BotSwarmTests",
            dependencies: [
                "BotSwarm",
                "NetcodeClient",
                "LinkEmulator",
                "NetcodeServer",
                "NetcodeStore",
                "NetcodeProtocol",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "NetcodeProtocolTests",
            dependencies: [
                "NetcodeProtocol",
                "SeededRandom",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "LinkEmulatorTests",
            dependencies: [
                "LinkEmulator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "NetcodeStoreTests", dependencies: ["NetcodeStore", "NetcodeTransport"]),
        .testTarget(name: "DecoderFuzzingTests", dependencies: ["DecoderFuzzing", "Comparison"]),
        .testTarget(
            name: "NetcodeServerTests",
            dependencies: [
                "NetcodeServer",
                "DatagramBatch",
                "LinkEmulator",
                "NetcodeClient",
                "NetcodeProtocol",
                "NetcodeStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

// swift-tools-version:6.1
// Micro-benchmarks of the realtime hot path, kept out of the main build (as swift-nio keeps its own).
// Run from this folder: swift package benchmark   (results and allocation counts: docs/BENCHMARKS.md)
import PackageDescription

let package = Package(
    name: "netcode-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "netcode", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .executableTarget(
            name: "HotPath",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NetcodeProtocol", package: "netcode"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/HotPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

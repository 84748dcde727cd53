// swift-tools-version:6.1
import Foundation
import PackageDescription

// libFuzzer executables, one per decoder of outside input (Sources/DecoderFuzzing in the main package).
// A package of their own, so the main build and `swift test` never compile them. Build and run with
// scripts/fuzz.sh (docs/HARDENING.md).

/// The main package is the folder above; SwiftPM names a path dependency after its folder.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let targets = [
    "lobbyFrames", "clientMessage", "serverMessage", "realtimeOpen",
    "inputMessage", "snapshot", "impairmentSpec", "networkFile",
]

let package = Package(
    name: "netcode-fuzz",
    products: targets.map { .executable(name: "fuzz-\($0)", targets: ["fuzz-\($0)"]) },
    dependencies: [.package(path: "..")],
    targets: targets.map {
        .executableTarget(
            name: "fuzz-\($0)",
            dependencies: [.product(name: "DecoderFuzzing", package: mainPackage)],
            path: "Sources/\($0)"
        )
    }
)

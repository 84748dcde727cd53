import Comparison
import DecoderFuzzing
import Foundation
import LinkEmulator
import NetcodeProtocol
import NIOCore
import Testing

/// The fuzz targets of `Fuzz/` in the ordinary suite: every seed, then mutations of the seeds, through
/// the same decoders. libFuzzer's coverage-guided runs go much further (docs/HARDENING.md); this keeps
/// every build from losing what they established.
@Suite struct CorpusReplayTests {
    /// Mutations per target: enough to cross every length and type check in a second or two of a debug
    /// build. These tests run on the test pool's threads, beside the suite's end-to-end tests, so they
    /// stay short; the long runs are libFuzzer's.
    static let mutations = 1_000

    /// A seed for the mutations that differs per run; a failure prints it, and NETCODE_FUZZ_SEED replays it.
    static let seed: UInt64 = ProcessInfo.processInfo.environment["NETCODE_FUZZ_SEED"].flatMap { UInt64($0) }
        ?? UInt64(truncatingIfNeeded: Date().timeIntervalSince1970.bitPattern)

    @Test(arguments: FuzzTarget.allCases)
    func seedsAndMutationsKeepEveryPromise(target: FuzzTarget) {
        let seeds = FuzzSeeds.seeds(for: target)
        #expect(seeds.count >= 2, "\(target) has seeds")
        var mutator = Mutator(seed: Self.seed ^ UInt64(target.rawValue.hashValue & 0xFFFF))
        var inputs = seeds
        for _ in 0..<Self.mutations {
            let base = inputs[mutator.below(inputs.count)]
            let other = seeds[mutator.below(seeds.count)]
            let input = mutator.mutate(base, other: other)
            do throws(FuzzInvariantError) {
                try target.run(input)
            } catch {
                Issue.record("\(error) for input \(input) (NETCODE_FUZZ_SEED=\(Self.seed))")
                return
            }
            // Keep some mutants as bases, as a corpus grows: mutations stack up.
            if mutator.below(8) == 0 { inputs.append(input) }
        }
        for seed in seeds {
            #expect(throws: Never.self, "\(target): a seed breaks a promise") { try target.run(seed) }
        }
    }

    @Test func everyLobbySeedDecodes() throws {
        for seed in FuzzSeeds.seeds(for: .clientMessage) { _ = try ClientMessage(decoding: ByteBuffer(bytes: seed)) }
        for seed in FuzzSeeds.seeds(for: .serverMessage) { _ = try ServerMessage(decoding: ByteBuffer(bytes: seed)) }
        for seed in FuzzSeeds.seeds(for: .inputMessage) { _ = try InputMessage.decode(ByteBuffer(bytes: seed)) }
        for seed in FuzzSeeds.seeds(for: .networkFile) { _ = try LinkProfile.load(fromJSON: Data(seed)) }
        for seed in FuzzSeeds.seeds(for: .impairmentSpec) { _ = try ImpairmentProfile.parse(String(decoding: seed, as: UTF8.self)) }
    }

    @Test func everySealedSeedOpens() {
        var connection = RealtimeConnection(sessionID: FuzzSeeds.sessionID, keyBytes: FuzzSeeds.sessionKey)
        for (index, packet) in FuzzSeeds.sealedPackets.enumerated() {
            guard case .accepted = connection.open(ByteBuffer(bytes: packet), now: 1) else {
                Issue.record("sealed seed \(index) was dropped")
                continue
            }
        }
    }

    @Test func aWrongPromiseIsCaught() {
        // The realtime target must refuse to accept a datagram that is not one of the sealed seeds; a
        // seed with one tag bit flipped is dropped, so running it passes, and the seed itself passes too.
        var flipped = FuzzSeeds.sealedPackets[0]
        flipped[flipped.count - 1] ^= 1
        #expect(throws: Never.self) { try FuzzTarget.realtimeOpen.run(flipped) }
        var connection = RealtimeConnection(sessionID: FuzzSeeds.sessionID, keyBytes: FuzzSeeds.sessionKey)
        #expect(connection.open(ByteBuffer(bytes: flipped), now: 1) == .dropped(.badTag))
    }

    /// Sweep files (Simulations/sweeps/) are read with JSONDecoder in `Comparison`, which the fuzz package
    /// does not build; their mutations are replayed here only.
    @Test func sweepFileMutationsAreRefusedOrRead() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Simulations/sweeps")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            .map { try Array(Data(contentsOf: folder.appendingPathComponent($0))) }
        #expect(seeds.count >= 3)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-fuzz-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var mutator = Mutator(seed: Self.seed)
        var refused = 0
        for _ in 0..<1_000 {
            let input = mutator.mutate(seeds[mutator.below(seeds.count)], other: seeds[mutator.below(seeds.count)])
            try Data(input).write(to: URL(fileURLWithPath: path))
            do {
                _ = try ComparisonParameters.load(contentsOfFile: path)
            } catch let error as SweepFileError {
                #expect(error.description.contains(path))
                refused += 1
            }
        }
        #expect(refused > 0, "some mutations of a sweep file are refused with a SweepFileError")
    }
}

#if canImport(Glibc)
import Foundation
import Glibc
import Testing

@testable import SocketExperiments

/// The mtu experiment in short form, in the network lab (cancelled with the reason where it can't be
/// built). The lab's namespaces carry nothing else, so the kernels' Ip counters are exact.
@Suite struct MTUExperimentTests {
    @Test func fragmentCountsFollowTheMTU() {
        #expect(MTUExperiment.fragments(payload: 1200, mtu: 1280) == 1)
        #expect(MTUExperiment.fragments(payload: 1252, mtu: 1280) == 1)
        #expect(MTUExperiment.fragments(payload: 1253, mtu: 1280) == 2)
        #expect(MTUExperiment.fragments(payload: 4000, mtu: 1280) == 4)
        #expect(MTUExperiment.fragments(payload: 2952, mtu: 1500) == 2)
        #expect(MTUExperiment.fragments(payload: 2953, mtu: 1500) == 3)
    }

    @Test func aLostFragmentLosesTheWholeDatagram() async throws {
        let tun = ProcessInfo.processInfo.environment["NETCODE_LAB_TUN_DEVICE"] ?? "/dev/net/tun"
        let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<MTUExperiment.Evidence?, any Error>) in
            Thread {
                do {
                    continuation.resume(returning: try MTUExperiment.run(mtu: 1280, loss: 0.15, payloads: [1200, 4000], datagrams: 120, seed: 3, tunDevicePath: tun, log: .silent))
                } catch is MTUExperiment.Unavailable {
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        guard let evidence = outcome else { try Test.cancel("the network lab can't be built here") }
        #expect(evidence.pathMTU == 1280)
        #expect(evidence.dontFragmentError == EMSGSIZE)

        let whole = evidence.rounds[0], cut = evidence.rounds[1]
        #expect(whole.fragmentsPerDatagram == 1 && cut.fragmentsPerDatagram == 4)
        #expect(whole.sent == 120 && cut.sent == 120)
        // Below the MTU the kernels fragment and reassemble nothing.
        #expect(whole.fragCreates == 0 && whole.reasmReqds == 0 && whole.reasmOKs == 0)
        #expect(whole.received < whole.sent, "15% loss over 120 datagrams")
        // Above it every datagram leaves as four fragments, and only complete ones are delivered.
        #expect(cut.fragOKs == cut.sent)
        #expect(cut.fragCreates == 4 * cut.sent)
        #expect(cut.reasmOKs == cut.received)
        #expect(cut.strandedFragments > 0, "fragments arrived for datagrams that were never delivered")
        #expect(cut.reasmReqds < 4 * cut.sent)
        // (0.85)^4 = 52% against 85%: the same loss costs the fragmented datagrams far more.
        #expect(cut.received < whole.received)
    }
}
#endif

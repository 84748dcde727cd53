#if os(Linux)
import Foundation
import LinkEmulator
import Testing

@testable import NetworkLab

/// The pcapng the lab writes with `--pcap`, read back by a reader written from the format's
/// specification (draft-ietf-opsawg-pcapng), not from the writer.
struct PcapngFile {
    struct Packet {
        var interface: UInt32
        var timestampMicroseconds: UInt64
        var bytes: [UInt8]
        var originalLength: Int
        var comment: String?
        var flags: UInt32?
    }

    var interfaces: [(linkType: UInt16, name: String?)] = []
    var packets: [Packet] = []

    init(path: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u16(_ at: Int) -> UInt16 { UInt16(data[at]) | UInt16(data[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[at + $1]) << (8 * UInt32($1)) } }
        func options(_ start: Int, _ end: Int) -> [UInt16: [UInt8]] {
            var result: [UInt16: [UInt8]] = [:]
            var at = start
            while at + 4 <= end {
                let code = u16(at), length = Int(u16(at + 2))
                if code == 0 { break }
                result[code] = Array(data[(at + 4)..<(at + 4 + length)])
                at += 4 + (length + 3) / 4 * 4
            }
            return result
        }
        var offset = 0
        guard data.count >= 28, u32(0) == 0x0A0D_0D0A, u32(8) == 0x1A2B_3C4D else { throw CocoaError(.fileReadCorruptFile) }
        while offset + 12 <= data.count {
            let type = u32(offset), length = Int(u32(offset + 4))
            guard length >= 12, offset + length <= data.count, u32(offset + length - 4) == UInt32(length) else { throw CocoaError(.fileReadCorruptFile) }
            let body = offset + 8, end = offset + length - 4
            switch type {
            case 1:
                let name = options(body + 8, end)[2].map { String(decoding: $0, as: UTF8.self) }
                self.interfaces.append((u16(body), name))
            case 6:
                let captured = Int(u32(body + 12))
                let optionsStart = body + 20 + (captured + 3) / 4 * 4
                let found = options(optionsStart, end)
                self.packets.append(Packet(
                    interface: u32(body),
                    timestampMicroseconds: UInt64(u32(body + 4)) << 32 | UInt64(u32(body + 8)),
                    bytes: Array(data[(body + 20)..<(body + 20 + captured)]),
                    originalLength: Int(u32(body + 16)),
                    comment: found[1].map { String(decoding: $0, as: UTF8.self) },
                    flags: found[2].map { bytes in (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[$1]) << (8 * UInt32($1)) } }
                ))
            default:
                break
            }
            offset += length
        }
    }
}

@Suite struct PacketCaptureTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("capture-\(UUID().uuidString).pcapng").path
    }

    @Test func recordsReadBackWithTheirFatesDirectionsAndBytes() throws {
        let path = self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first: [UInt8] = [0x45, 0, 0, 21] + [UInt8](repeating: 9, count: 17)
        let second: [UInt8] = [0x45, 1, 2, 3, 4, 5]
        do {
            let capture = try PacketCapture(path: path)
            first.withUnsafeBytes { capture.record($0.baseAddress!, length: $0.count, direction: .upstream, fate: .delivered(heldNanoseconds: 20_113_456, duplicate: false), wallClockMicroseconds: 1_700_000_000_123_456) }
            second.withUnsafeBytes { capture.record($0.baseAddress!, length: $0.count, direction: .downstream, fate: .lost(reason: "burst loss"), wallClockMicroseconds: 1_700_000_000_200_000) }
            first.withUnsafeBytes { capture.record($0.baseAddress!, length: $0.count, direction: .upstream, fate: .delivered(heldNanoseconds: 5_000, duplicate: true), wallClockMicroseconds: 1_700_000_000_300_000) }
            #expect(capture.packetsWritten == 3 && capture.writeErrors == 0)
        }
        let file = try PcapngFile(path: path)
        #expect(file.interfaces.map(\.linkType) == [228, 228])
        #expect(file.interfaces.map(\.name) == ["upstream", "downstream"])
        #expect(file.packets.count == 3)
        #expect(file.packets[0].bytes == first && file.packets[0].originalLength == first.count)
        #expect(file.packets[0].timestampMicroseconds == 1_700_000_000_123_456)
        #expect(file.packets[0].comment == "delivered after 20.113 ms")
        #expect(file.packets[0].flags == 1)
        #expect(file.packets[1].bytes == second && file.packets[1].interface == 1)
        #expect(file.packets[1].comment == "lost: burst loss")
        #expect(file.packets[1].flags == UInt32(0x0100_0002), "outbound, and dropped by the link")
        #expect(file.packets[2].comment == "delivered after 0.005 ms (duplicate)")
    }

    @Test func aCaptureFileThatCannotBeCreatedIsAClearError() {
        let error = #expect(throws: NetworkLabError.self) { try PacketCapture(path: "/nonexistent-folder/x.pcapng") }
        #expect(error?.message.contains("/nonexistent-folder/x.pcapng") == true)
    }

    @Test("the lab records every packet it read, with the model's fate")
    func theLabRecordsEveryPacket() throws {
        let tun = NetworkLabIntegrationTests.tunDevicePath
        let availability = NetworkLab.availability(tunDevicePath: tun)
        guard availability.isAvailable else { try Test.cancel(Comment(rawValue: availability.reason)) }
        let path = self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let link = LinkProfile.symmetric(name: "capture", ImpairmentProfile(loss: 0.2, latency: .milliseconds(3)))
        let lab = try NetworkLab(configuration: LabConfiguration(link: link, seed: 5, tunDevicePath: tun, capturePath: path))
        let report = try lab.runSelfTest(LabSelfTestOptions(pings: 60, pingInterval: .milliseconds(2), tcpBytes: 32 * 1024, timeout: .seconds(20)))
        lab.shutdown()
        let counters = lab.counters()

        let file = try PcapngFile(path: path)
        for (index, direction) in [counters.upstream, counters.downstream].enumerated() {
            let records = file.packets.filter { $0.interface == UInt32(index) }
            let lost = records.filter { $0.comment?.hasPrefix("lost: ") == true }
            let delivered = records.filter { $0.comment?.hasPrefix("delivered after ") == true }
            #expect(records.count == lost.count + delivered.count, "every record has a fate")
            #expect(lost.filter { $0.comment != "lost: in flight when the lab stopped" }.count == direction.dropped)
            #expect(delivered.count == direction.packetsWritten)
            #expect(lost.allSatisfy { ($0.flags ?? 0) & (1 << 24) != 0 })
            #expect(records.allSatisfy { $0.bytes.first.map { $0 >> 4 } == 4 }, "raw IPv4")
        }
        #expect(report.tcp.intact)
        #expect(counters.upstream.dropped > 0 && counters.downstream.dropped > 0)
        // Delivered packets were held at least the link's 3 ms.
        let held = file.packets.compactMap { $0.comment }.filter { $0.hasPrefix("delivered after ") && !$0.hasSuffix("(duplicate)") }
            .compactMap { Double($0.dropFirst("delivered after ".count).prefix { $0 != " " }) }
        #expect(!held.isEmpty && held.allSatisfy { $0 >= 3 })
    }
}
#endif

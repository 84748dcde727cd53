#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the packets the link emulator handles as a pcapng file (Wireshark, tcpdump and tshark read it),
/// each with its fate in the packet's comment and its direction in the packet flags.
///
/// The file has one section and two interfaces, both raw IPv4 (link type 228, no link-layer header), with
/// microsecond timestamps from the wall clock:
/// - interface 0, `upstream`: client side → server side (10.201.0.2 → 10.201.0.1);
/// - interface 1, `downstream`: server side → client side.
///
/// Every packet read from a TUN device gets one record per fate:
/// - `delivered after 20.113 ms` (or `delivered after 20.113 ms (duplicate)`), stamped when it was written
///   into the other namespace; the delay is how long the emulator held it, so one above the link's latency
///   shows jitter, rate queueing or reordering;
/// - `lost: random loss` (`burst loss`, `queue overflow`, `no buffer`), stamped when it was read.
/// The flags (`epb_flags`) say `inbound` for upstream and `outbound` for downstream, as seen from the
/// server; a lost packet also has its reception-error bit (bit 24, "packet dropped by the link") set.
///
/// Buffered writes. Created before the forwarding thread starts and used only on it until it ends, so it
/// is never used from two threads at once.
public final class PacketCapture: @unchecked Sendable {
    /// Link type 228: raw IPv4, the bytes a TUN device hands out without its packet-information header.
    static let linkTypeIPv4: UInt16 = 228
    /// Bytes of each packet recorded: all of it (a TUN MTU is at most 1500).
    static let snapLength: UInt32 = 2048

    public enum Direction: UInt32, Sendable {
        case upstream = 0
        case downstream = 1
    }

    /// What became of a packet.
    public enum Fate: Sendable, Equatable {
        case delivered(heldNanoseconds: Int64, duplicate: Bool)
        case lost(reason: String)

        var comment: String {
            switch self {
            case .delivered(let held, let duplicate):
                let micros = held / 1_000
                let text = "delivered after \(micros / 1_000).\(String(repeating: "0", count: 3 - String(micros % 1_000).count))\(micros % 1_000) ms"
                return duplicate ? text + " (duplicate)" : text
            case .lost(let reason):
                return "lost: \(reason)"
            }
        }
    }

    private let file: UnsafeMutablePointer<FILE>
    public let path: String
    private var scratch: [UInt8] = []
    /// Records written, and records that could not be (a full disk): the second should stay 0.
    public private(set) var packetsWritten = 0
    public private(set) var writeErrors = 0

    /// Creates (or truncates) the file and writes the section and interface headers.
    public init(path: String) throws(NetworkLabError) {
        guard let file = fopen(path, "wb") else {
            throw NetworkLabError(.invalidArgument, "cannot create the capture file \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
        self.path = path
        self.writeHeader()
        fflush(self.file)
    }

    deinit {
        fclose(self.file)
    }

    /// Records one packet's fate.
    public func record(_ bytes: UnsafeRawPointer, length: Int, direction: Direction, fate: Fate, wallClockMicroseconds: UInt64) {
        var block: [UInt8] = []
        block.reserveCapacity(length + 96)
        let captured = min(length, Int(Self.snapLength))
        append32(&block, direction.rawValue)
        append32(&block, UInt32(truncatingIfNeeded: wallClockMicroseconds >> 32))
        append32(&block, UInt32(truncatingIfNeeded: wallClockMicroseconds))
        append32(&block, UInt32(captured))
        append32(&block, UInt32(length))
        block.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: captured))
        pad(&block)
        // opt_comment (1), then epb_flags (2): direction in bits 0-1, link-layer drop in bit 24.
        appendOption(&block, code: 1, Array(fate.comment.utf8))
        var flags: UInt32 = direction == .upstream ? 1 : 2
        if case .lost = fate { flags |= 1 << 24 }
        var flagBytes: [UInt8] = []
        append32(&flagBytes, flags)
        appendOption(&block, code: 2, flagBytes)
        appendOption(&block, code: 0, [])
        self.writeBlock(type: 0x0000_0006, body: block)
        self.packetsWritten += 1
    }

    /// Pushes buffered records to the file.
    public func flush() {
        fflush(self.file)
    }

    /// Microseconds since the epoch, the capture's timestamps.
    public static func wallClockMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    private func writeHeader() {
        // Section header: byte-order magic, version 1.0, section length unknown (-1).
        var section: [UInt8] = []
        append32(&section, 0x1A2B_3C4D)
        append16(&section, 1)
        append16(&section, 0)
        append32(&section, 0xFFFF_FFFF)
        append32(&section, 0xFFFF_FFFF)
        appendOption(&section, code: 4, Array("netcode lab link emulator".utf8))  // shb_userappl
        appendOption(&section, code: 0, [])
        self.writeBlock(type: 0x0A0D_0D0A, body: section)
        for (name, about) in [("upstream", "client side to server side"), ("downstream", "server side to client side")] {
            var interface: [UInt8] = []
            append16(&interface, Self.linkTypeIPv4)
            append16(&interface, 0)
            append32(&interface, Self.snapLength)
            appendOption(&interface, code: 2, Array(name.utf8))  // if_name
            appendOption(&interface, code: 3, Array(about.utf8))  // if_description
            appendOption(&interface, code: 0, [])
            self.writeBlock(type: 0x0000_0001, body: interface)
        }
    }

    private func writeBlock(type: UInt32, body: [UInt8]) {
        let total = UInt32(12 + body.count)
        var block: [UInt8] = []
        block.reserveCapacity(Int(total))
        append32(&block, type)
        append32(&block, total)
        block.append(contentsOf: body)
        append32(&block, total)
        let written = block.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, self.file) }
        if written != block.count { self.writeErrors += 1 }
    }
}

private func append16(_ bytes: inout [UInt8], _ value: UInt16) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}

private func append32(_ bytes: inout [UInt8], _ value: UInt32) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}

private func pad(_ bytes: inout [UInt8]) {
    while bytes.count % 4 != 0 { bytes.append(0) }
}

private func appendOption(_ bytes: inout [UInt8], code: UInt16, _ value: [UInt8]) {
    append16(&bytes, code)
    append16(&bytes, UInt16(value.count))
    bytes.append(contentsOf: value)
    pad(&bytes)
}

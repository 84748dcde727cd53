/// Arithmetic on the 16-bit packet sequence numbers that wrap from 65535 back to 0.
///
/// On the wire only the low 16 bits of a packet number travel. Each side keeps 64-bit *extended*
/// sequences: the sender knows its own, the receiver reconstructs them from the wire value relative to
/// the highest one it has accepted (the way QUIC decodes packet numbers, RFC 9000 appendix A.3).
public enum SequenceNumber {
    /// Whether `a` is newer than `b`, treating the 16-bit space as a circle: `a` is newer when it is
    /// less than half the circle (32768) ahead of `b`. So 0 is newer than 65535.
    @inlinable
    public static func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
        let distance = a &- b
        return distance != 0 && distance < 0x8000
    }

    /// The extended sequence closest to `highest + 1` whose low 16 bits are `wire`.
    ///
    /// - Parameters:
    ///   - wire: the sequence as it appeared on the wire.
    ///   - highest: the highest extended sequence accepted so far, or `nil` when none has been.
    /// - Returns: the reconstructed 64-bit sequence. Values more than 32768 behind the expected one are
    ///   read as the next lap around, so a packet replayed after the wire sequence wrapped gets a
    ///   different extended sequence than the one it was sealed with, and fails authentication.
    public static func extend(_ wire: UInt16, relativeTo highest: UInt64?) -> UInt64 {
        let expected: UInt64 = highest.map { $0 &+ 1 } ?? 0
        let window: UInt64 = 1 << 16
        let halfWindow: UInt64 = 1 << 15
        let candidate = (expected & ~(window - 1)) | UInt64(wire)
        if candidate &+ halfWindow <= expected, candidate < UInt64.max - window {
            return candidate + window
        }
        if candidate > expected &+ halfWindow, candidate >= window {
            return candidate - window
        }
        return candidate
    }

    /// The newest extended sequence not after `newest` whose low 16 bits are `wire`, or `nil` if there
    /// is none (it would be negative). Used to read a peer's ack against the sequences we have sent.
    static func latest(_ wire: UInt16, notAfter newest: UInt64) -> UInt64? {
        let back = UInt64(UInt16(truncatingIfNeeded: newest) &- wire)
        return back <= newest ? newest - back : nil
    }
}

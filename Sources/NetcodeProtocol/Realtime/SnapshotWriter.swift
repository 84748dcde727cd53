/// Big-endian integers written straight into memory the snapshot encoder reserved in the packet's
/// buffer: one bounds check for the whole snapshot instead of one buffer call per field (this runs once
/// per player per tick, so per-field overhead is what the server pays most).
struct SnapshotWriter {
    private let base: UnsafeMutableRawBufferPointer
    private(set) var offset = 0

    init(_ base: UnsafeMutableRawBufferPointer) {
        self.base = base
    }

    /// - Precondition: the caller reserved room for everything it writes (checked in debug builds).
    @inline(__always)
    mutating func write<T: FixedWidthInteger>(_ value: T) {
        assert(self.offset + MemoryLayout<T>.size <= self.base.count, "snapshot writer past its reservation")
        self.base.storeBytes(of: value.bigEndian, toByteOffset: self.offset, as: T.self)
        self.offset += MemoryLayout<T>.size
    }

    /// Forgets what was written from `offset` on (a section that turned out empty).
    @inline(__always)
    mutating func rewind(to offset: Int) {
        assert(offset <= self.offset, "snapshot writer rewound forward")
        self.offset = offset
    }

    /// Overwrites one byte written earlier (a count known only after its entries).
    @inline(__always)
    mutating func patch(_ value: UInt8, at offset: Int) {
        self.base.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
    }
}

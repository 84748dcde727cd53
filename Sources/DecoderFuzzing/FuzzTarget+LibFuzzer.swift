import Foundation

/// The two entry points libFuzzer calls, for the one-line executables in `Fuzz/`.
extension FuzzTarget {
    /// `LLVMFuzzerInitialize`: when NETCODE_FUZZ_SEEDS names a folder, writes the seeds there first, so a
    /// corpus folder always starts from valid messages of the current wire format.
    public func libFuzzerInitialize() -> CInt {
        guard let folder = ProcessInfo.processInfo.environment["NETCODE_FUZZ_SEEDS"], !folder.isEmpty else { return 0 }
        do {
            try self.writeSeeds(to: folder)
        } catch {
            fatalError("cannot write the seeds of \(self.rawValue) to \(folder): \(error)")
        }
        return 0
    }

    /// `LLVMFuzzerTestOneInput`: a broken promise is a crash, which libFuzzer reports with the input.
    public func libFuzzerTestOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
        let bytes = UnsafeRawBufferPointer(start: count == 0 ? nil : start, count: count)
        do throws(FuzzInvariantError) {
            try self.run(bytes)
        } catch {
            fatalError("\(error)")
        }
        return 0
    }
}

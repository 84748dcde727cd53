#if os(Linux)
import Glibc

extension NetworkLab {
    /// The link's counters now: packets each way, the model's drops and duplicates, write failures,
    /// and the kernel's drops at each TUN queue.
    public func counters() -> LabCounters {
        var counters = self.control.counters.withLock { $0 }
        // A side's TUN transmit drops are packets that side sent into the link and the emulator missed.
        counters.downstream.kernelQueueDrops = self.tunnelCounters(.server)?.sendDrops
        counters.upstream.kernelQueueDrops = self.tunnelCounters(.client)?.sendDrops
        return counters
    }

    /// The kernel's TCP, UDP and interface counters inside one side's namespace (also after shutdown,
    /// to read the totals of a finished run).
    public func kernelCounters(of side: LabSide) throws(NetworkLabError) -> LabKernelCounters {
        let handles = self.handles(side)
        guard let snmp = SystemCall.readAll(handles.snmp), let netstat = SystemCall.readAll(handles.netstat),
            let dev = SystemCall.readAll(handles.dev)
        else {
            throw NetworkLabError(.ioFailed, "cannot read the kernel counters of the \(side): \(SystemCall.describe(errno))")
        }
        var groups = KernelCounterText.parseGroups(snmp)
        groups.merge(KernelCounterText.parseGroups(netstat)) { current, _ in current }
        return LabKernelCounters(groups: groups, interfaces: KernelCounterText.parseInterfaces(dev))
    }

    private func tunnelCounters(_ side: LabSide) -> LabInterfaceCounters? {
        guard let text = SystemCall.readAll(self.handles(side).dev) else { return nil }
        return KernelCounterText.parseInterfaces(text)[LabSideHandles.interfaceName]
    }
}
#endif

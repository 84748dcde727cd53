import Testing

@testable import NetworkLab

@Suite("Reading /proc/net counters")
struct KernelCounterTextTests {
    static let snmp = """
        Ip: Forwarding DefaultTTL InReceives
        Ip: 1 64 1234
        Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
        Tcp: 1 200 120000 -1 3 2 0 0 1 500 480 17 0 1 0
        Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
        Udp: 300 0 4 310 4 0 0 0 0

        """

    static let netstat = """
        TcpExt: SyncookiesSent TCPTimeouts TCPLossProbes
        TcpExt: 0 5 9
        IpExt: InNoRoutes InOctets
        IpExt: 0 123456

        """

    static let dev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     840      12    0    0    0     0          0         0      840      12    0    0    0     0       0          0
          lab0: 1500000    1000    0    2    0     0          0         0  2400000    1600    0   37    0     0       0          0

        """

    @Test("name and value lines pair up by group; negative values are kept")
    func groups() {
        let groups = KernelCounterText.parseGroups(Self.snmp)
        #expect(groups["Tcp"]?["RetransSegs"] == 17)
        #expect(groups["Tcp"]?["MaxConn"] == -1)
        #expect(groups["Udp"]?["RcvbufErrors"] == 4)
        #expect(groups["Ip"]?["InReceives"] == 1234)
        let extended = KernelCounterText.parseGroups(Self.netstat)
        #expect(extended["TcpExt"]?["TCPTimeouts"] == 5)
        #expect(extended["IpExt"]?["InOctets"] == 123456)
    }

    @Test("a value line without its name line is skipped, not misread")
    func unpaired() {
        let groups = KernelCounterText.parseGroups("Tcp: 1 2 3\nUdp: InDatagrams NoPorts\nUdp: 7 8\n")
        #expect(groups["Tcp"] == nil)
        #expect(groups["Udp"] == ["InDatagrams": 7, "NoPorts": 8])
    }

    @Test("interfaces give receive and transmit counters, drops included")
    func interfaces() throws {
        let interfaces = KernelCounterText.parseInterfaces(Self.dev)
        #expect(interfaces.count == 2)
        let tunnel = try #require(interfaces["lab0"])
        #expect(tunnel.receivedPackets == 1000)
        #expect(tunnel.receiveDrops == 2)
        #expect(tunnel.sentBytes == 2_400_000)
        #expect(tunnel.sentPackets == 1600)
        #expect(tunnel.sendDrops == 37)
    }

    @Test("the convenience accessors and differences use the right counters")
    func accessors() {
        var groups = KernelCounterText.parseGroups(Self.snmp)
        groups.merge(KernelCounterText.parseGroups(Self.netstat)) { current, _ in current }
        let later = LabKernelCounters(groups: groups, interfaces: KernelCounterText.parseInterfaces(Self.dev))
        #expect(later.tcpRetransmittedSegments == 17)
        #expect(later.tcpTimeouts == 5)
        #expect(later.tcpSegmentsSent == 480)
        #expect(later.udpReceiveBufferErrors == 4)

        var earlierGroups = groups
        earlierGroups["Tcp"]?["RetransSegs"] = 10
        var earlierInterfaces = later.interfaces
        earlierInterfaces["lab0"]?.sendDrops = 30
        let difference = later.subtracting(LabKernelCounters(groups: earlierGroups, interfaces: earlierInterfaces))
        #expect(difference.tcpRetransmittedSegments == 7)
        #expect(difference.tcpTimeouts == 0)
        #expect(difference.interfaces["lab0"]?.sendDrops == 7)
    }
}

@Suite("Reading socket tables")
struct SocketTableTests {
    static let tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0100C90A:1E61 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 124 1 0 100 0 0 10 0
           1: 0100C90A:1E62 0200C90A:9C40 01 00000000:00000000 00:00000000 00000000     0        0 125 1 0 100 0 0 10 0
           2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 126 1 0 100 0 0 10 0

        """

    @Test("listening ports are those in state 0A; any state counts for UDP")
    func ports() {
        #expect(SocketTable.localPorts(Self.tcp, state: SocketTable.listenState) == [7777, 22])
        #expect(SocketTable.localPorts(Self.tcp, state: nil) == [7777, 7778, 22])
        #expect(SocketTable.localPorts("  sl  local_address\n", state: nil).isEmpty)
    }
}

#if os(Linux)
import CNetworkLab
import Glibc

/// The kinds of socket ``NetworkLab/makeSocket(in:type:)`` makes.
public enum LabSocketType: Sendable, Hashable {
    /// IPv4 UDP.
    case udp
    /// IPv4 TCP.
    case tcp
}

extension NetworkLab {
    /// A new IPv4 socket that lives in one side's network namespace, whatever thread uses it.
    ///
    /// A socket belongs to the namespace it was created in, so this process can talk across the link
    /// without entering a namespace: bind it to the side's address (``LabSide/address``), then use it
    /// as any socket, or hand it to an event loop. The caller owns the descriptor and closes it.
    public func makeSocket(in side: LabSide, type: LabSocketType) throws(NetworkLabError) -> Int32 {
        guard !self.isShutDown else { throw NetworkLabError(.shutDown, "the lab was shut down; build a new one") }
        let handles = self.handles(side)
        let socketType = type == .udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue)
        let socketProtocol = type == .udp ? Int32(IPPROTO_UDP) : Int32(IPPROTO_TCP)
        var failure = netlab_status()
        let fd = netlab_make_socket(
            handles.userNamespaceToJoin(self.mode),
            handles.networkNamespace,
            AF_INET,
            socketType,
            socketProtocol,
            &failure
        )
        guard fd >= 0 else {
            throw NetworkLabError(.socketFailed, "cannot make a socket in the \(side): \(ChildFailure(failure).explain())")
        }
        return fd
    }
}
#endif

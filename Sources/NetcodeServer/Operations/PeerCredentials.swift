import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Linux's `struct ucred` (pid_t, uid_t, gid_t), which Swift's Glibc module leaves out (it is behind
/// _GNU_SOURCE).
private struct KernelPeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// SO_PEERCRED from <asm-generic/socket.h> (the same on x86_64 and arm64).
private let soPeerCred: Int32 = 17

/// Who is on the other end of a UNIX-domain socket, as the kernel recorded at `connect` (SO_PEERCRED):
/// a peer cannot claim another uid.
struct PeerCredentials: Sendable, Hashable {
    var pid: Int32
    var uid: UInt32
    var gid: UInt32

    /// Reads the peer's credentials of a connected UNIX-domain channel.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        #if canImport(Glibc)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let future: EventLoopFuture<KernelPeerCredentials> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(soPeerCred))
        return future.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
        #else
        return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        #endif
    }

    /// The server serves its own uid and root, nobody else.
    var mayAdminister: Bool {
        #if canImport(Glibc)
        return self.uid == getuid() || self.uid == 0
        #else
        return false
        #endif
    }
}

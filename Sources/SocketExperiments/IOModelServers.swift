#if canImport(Glibc)
import Glibc
import NIOCore
import NIOPosix

/// An echo server in one I/O style: started on a loopback port, stopped when the experiment is done.
protocol EchoServer {
    var port: Int { get }
    func stop() throws
}

/// One blocking thread per client; reads time out after `timeout` so a silent client cannot hold a
/// thread forever.
final class BlockingEchoServer: EchoServer, @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private var acceptor: OSThread?
    private let workers = Shared<[OSThread]>([])
    let timeouts = Shared(0)

    init(timeoutMilliseconds: Int = 2000) throws {
        self.listener = try Sock.listener(backlog: 128)
        self.port = Sock.localPort(self.listener)
        let listener = self.listener
        self.acceptor = OSThread(name: "echo-accept") { [workers, timeouts] in
            while true {
                let fd = accept(listener, nil, nil)
                if fd < 0 { return }
                Sock.setReceiveTimeout(fd, milliseconds: timeoutMilliseconds)
                let worker = OSThread(name: "echo-client") {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let count = recv(fd, &buffer, buffer.count, 0)
                        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                            timeouts.with { $0 += 1 }
                            break
                        }
                        if count <= 0 { break }
                        if (try? Sock.sendAll(fd, Array(buffer[0..<count]))) == nil { break }
                    }
                    close(fd)
                }
                workers.with { $0.append(worker) }
            }
        }
    }

    func stop() throws {
        shutdown(self.listener, Int32(SHUT_RDWR))
        self.acceptor?.join()
        close(self.listener)
        self.workers.with { $0 }.forEach { $0.join() }
    }
}

/// One thread, non-blocking sockets and poll(): the thread sleeps until some socket is ready.
final class PollEchoServer: EchoServer, @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let stopping = Shared(false)
    private var loop: OSThread?

    init() throws {
        self.listener = try Sock.listener(backlog: 128)
        self.port = Sock.localPort(self.listener)
        Sock.setNonBlocking(self.listener)
        let listener = self.listener
        self.loop = OSThread(name: "echo-poll") { [stopping] in
            var clients: [Int32] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !(stopping.with { $0 } && clients.isEmpty) {
                var entries = ([listener] + clients).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                guard poll(&entries, nfds_t(entries.count), 100) > 0 else { continue }
                if entries[0].revents != 0 {
                    while case let fd = accept(listener, nil, nil), fd >= 0 {
                        Sock.setNonBlocking(fd)
                        clients.append(fd)
                    }
                }
                var closed: Set<Int32> = []
                for entry in entries.dropFirst() where entry.revents != 0 {
                    let count = recv(entry.fd, &buffer, buffer.count, 0)
                    if count <= 0 {
                        if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { closed.insert(entry.fd) }
                        continue
                    }
                    // Echo replies are small and the client waits for each: the send buffer has room.
                    if (try? Sock.sendAll(entry.fd, Array(buffer[0..<count]))) == nil { closed.insert(entry.fd) }
                }
                for fd in closed { close(fd) }
                clients.removeAll { closed.contains($0) }
            }
        }
    }

    func stop() throws {
        self.stopping.with { $0 = true }
        self.loop?.join()
        close(self.listener)
    }
}

/// SwiftNIO: one event loop thread, the readiness loop (epoll) inside NIO, a handler per connection.
final class NIOEchoServer: EchoServer {
    let port: Int
    private let group: MultiThreadedEventLoopGroup
    /// The name prefix of this server's own event-loop thread ("NIO-ELT-<group>-#"), so counting it is
    /// not confused with the event loops of anything else in the process.
    let threadPrefix: String
    private let channel: any Channel

    private final class EchoHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.write(data, promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }
    }

    init() throws {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.channel = try ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 128)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler()) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .wait()
        self.port = self.channel.localAddress?.port ?? 0
        let name = try self.group.next().submit { KernelView.read("/proc/thread-self/comm") }.wait()
        self.threadPrefix = String(name.prefix { $0 != "#" && $0 != "\n" }) + "#"
    }

    func stop() throws {
        try self.channel.close().wait()
        try self.group.syncShutdownGracefully()
    }
}
#endif

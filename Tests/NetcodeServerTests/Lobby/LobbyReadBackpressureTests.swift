#if canImport(Glibc)
import Foundation
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// A client that sends far more than the lobby handles, and never reads, is not buffered for without
/// bound: once a few messages wait, the server stops reading its socket, and the rest stays in the
/// kernel's buffers (and the client's send blocks) until the backlog drains. The lobby connection's real
/// decoder, handler and queue on a real socket; the worker (the lobby's side) is held still, then let go.
@Suite struct LobbyReadBackpressureTests {
    static let frameCount = 4_096
    static let textLength = 1_000

    @Test func aClientSendingWithoutPauseStopsBeingRead() async throws {
        let worker = HeldWorker()
        let tracker = TaskTracker()
        let queueBox = NIOLockedValueBox<LobbyConnectionQueue?>(nil)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_rcvbuf), value: 16 * 1024)
            // The lobby's own read settings (GameServer.makeListener): at most 16 reads of 64 KiB per turn.
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65536))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    worker.channel.withLockedValue { $0 = channel }
                    let queue = LobbyConnectionQueue(worker: worker, tracker: tracker)
                    queueBox.withLockedValue { $0 = queue }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LoginAwareFrameDecoder(limit: LobbyFrameLimit(afterLogin: 4_096))),
                        // The flood limit out of the way: this is about a client the limit allows.
                        LobbyConnectionHandler(queue: queue, framesPerSecond: 1_000_000, frameBurst: 1_000_000),
                    ])
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(listener.localAddress?.port)

        var bytes: [UInt8] = []
        for index in 0..<Self.frameCount {
            let text = String(index).padding(toLength: Self.textLength, withPad: "x", startingAt: 0)
            let payload = Array(ClientMessage.chat(text: text).encoded().readableBytesView)
            bytes += [0, 0, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)] + payload
        }
        let frameSize = bytes.count / Self.frameCount
        let sender = try BlockingSender(port: port)
        let sent = sender.sendInBackground(bytes)

        // The event: the server turned reading off. Without backpressure it never does and this fails.
        var paused = false
        for _ in 0..<2_000 where !paused {
            if let channel = worker.channel.withLockedValue({ $0 }), try await channel.getOption(.autoRead).get() == false {
                paused = true
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        #expect(paused, "the server kept reading a client whose messages were not being handled")
        // The read turn that crossed the limit ends before reading stops; nothing more arrives after it.
        let backlog = try #require(queueBox.withLockedValue { $0 }).backlog
        let oneReadTurn = 16 * 65_536 / frameSize + 1
        #expect(backlog > LobbyConnectionQueue.pauseAbove)
        #expect(backlog <= LobbyConnectionQueue.pauseAbove + 1 + oneReadTurn)
        #expect(backlog < Self.frameCount - 1, "the server read everything the client sent")

        // Let the lobby side go: reading resumes, every message arrives, in order, and the send completes.
        worker.release()
        await worker.waitForHandled(Self.frameCount)
        #expect(await sent.value == bytes.count)
        #expect(worker.handled.withLockedValue { $0 } == Array(0..<Self.frameCount))
        sender.close()
        await tracker.wait()
        try await listener.close()
    }
}

/// The lobby's side of the connection, held at the first event until released; records the chat lines'
/// numbers in the order it handles them and turns reading back on when the queue asks.
final class HeldWorker: LobbyConnectionWorker {
    let channel = NIOLockedValueBox<(any Channel)?>(nil)
    let handled = NIOLockedValueBox<[Int]>([])
    private let gate = NIOLockedValueBox<(open: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
    private let target = NIOLockedValueBox<(count: Int, waiter: CheckedContinuation<Void, Never>?)>((0, nil))

    func handle(_ event: LobbyConnectionEvent) async {
        if case .open = event {
            await withCheckedContinuation { continuation in
                let open = self.gate.withLockedValue { gate -> Bool in
                    if !gate.open { gate.waiter = continuation }
                    return gate.open
                }
                if open { continuation.resume() }
            }
        }
        guard case .message(.chat(let text)) = event, let number = Int(text.prefix { $0 != "x" }) else { return }
        let count = self.handled.withLockedValue { $0.append(number); return $0.count }
        let waiter = self.target.withLockedValue { target -> CheckedContinuation<Void, Never>? in
            guard count >= target.count, let waiter = target.waiter else { return nil }
            target.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    func resumeReading() {
        self.channel.withLockedValue { $0 }?.setOption(.autoRead, value: true).whenFailure { _ in }
    }

    func release() {
        let waiter = self.gate.withLockedValue { gate -> CheckedContinuation<Void, Never>? in
            gate.open = true
            defer { gate.waiter = nil }
            return gate.waiter
        }
        waiter?.resume()
    }

    func waitForHandled(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let done = self.target.withLockedValue { target -> Bool in
                if self.handled.withLockedValue({ $0.count }) >= count { return true }
                target = (count, continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}

/// A plain blocking TCP client on 127.0.0.1 with a small send buffer, sending on a thread of its own (a
/// blocking send on the cooperative pool would hold up the server's own async work).
final class BlockingSender: Sendable {
    let descriptor: Int32

    init(port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size: Int32 = 16 * 1024
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw IOError(errnoCode: errno, reason: "connect") }
        self.descriptor = fd
    }

    /// Sends every byte (blocking while the server does not read); the task's value is how many went out.
    func sendInBackground(_ bytes: [UInt8]) -> Task<Int, Never> {
        let fd = self.descriptor
        return Task {
            await withCheckedContinuation { continuation in
                Thread {
                    var offset = 0
                    while offset < bytes.count {
                        let count = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        if count <= 0 { break }
                        offset += count
                    }
                    continuation.resume(returning: offset)
                }.start()
            }
        }
    }

    func close() {
        _ = Glibc.close(self.descriptor)
    }
}
#endif

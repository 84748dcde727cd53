import Foundation
import NIOCore
import NIOPosix

/// Speaks to a server's admin socket: one JSON request per line, one JSON answer per line.
public struct AdminClient: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case noServer(path: String, reason: String)
        case closed
        case badAnswer(String)

        public var description: String {
            switch self {
            case .noServer(let path, let reason): "no server answers on \(path) (\(reason)); is `netcode server` running with this --admin-socket?"
            case .closed: "the server closed the admin connection without an answer"
            case .badAnswer(let text): "the server's answer is not understood: \(text)"
            }
        }
    }

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Sends one request and returns the answer, and its raw JSON line.
    public func send(_ request: AdminRequest, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> (AdminResponse, String) {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group).connect(unixDomainSocketPath: self.path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AdminLineDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        } catch {
            throw Failure.noServer(path: self.path, reason: "\(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var line = try encoder.encode(request)
            line.append(0x0A)
            try await outbound.write(ByteBuffer(bytes: line))
            var iterator = inbound.makeAsyncIterator()
            guard let answer = try await iterator.next() else { throw Failure.closed }
            let text = String(buffer: answer)
            do {
                return (try JSONDecoder().decode(AdminResponse.self, from: Data(answer.readableBytesView)), text)
            } catch {
                throw Failure.badAnswer(text)
            }
        }
    }
}

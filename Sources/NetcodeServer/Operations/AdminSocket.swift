import Foundation
import Logging
import NIOCore
import NIOPosix

/// The admin socket: a UNIX-domain stream socket (mode 0600) that speaks line-delimited JSON to the
/// server's own uid and to root (docs/OPERATIONS.md). Every line in gets one line out, in order.
final class AdminSocket: Sendable {
    typealias Handler = @Sendable (AdminRequest) async -> AdminResponse

    let path: String
    private let listener: NIOAsyncChannel<AdminPeer, Never>
    private let handler: Handler
    private let logger: Logger

    struct AdminPeer: Sendable {
        var channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        var credentials: PeerCredentials?
    }

    /// Binds `path`, replacing a stale socket file; throws ``AdminSocketError/inUse(path:)`` when a live
    /// server answers there.
    static func bind(path: String, group: any EventLoopGroup, logger: Logger, handler: @escaping Handler) async throws -> AdminSocket {
        try AdminSocketFile.prepare(path: path)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let listener = try await ServerBootstrap(group: group)
            // A peer that sends its requests and shuts down its side still gets every answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false) { channel in
                PeerCredentials.of(channel).map(Optional.some).recover { _ in nil }.flatMapThrowing { credentials in
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AdminLineDecoder()))
                    return AdminPeer(channel: try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel), credentials: credentials)
                }
            }
        do {
            try AdminSocketFile.restrict(path: path)
        } catch {
            try? await listener.channel.close()
            AdminSocketFile.remove(path: path)
            throw error
        }
        return AdminSocket(path: path, listener: listener, handler: handler, logger: logger)
    }

    private init(path: String, listener: NIOAsyncChannel<AdminPeer, Never>, handler: @escaping Handler, logger: Logger) {
        self.path = path
        self.listener = listener
        self.handler = handler
        self.logger = logger
    }

    /// Serves connections until ``close()``; then removes the socket file.
    func run() async {
        await withDiscardingTaskGroup { group in
            do {
                try await self.listener.executeThenClose { inbound in
                    for try await peer in inbound {
                        group.addTask { await self.serve(peer) }
                    }
                }
            } catch {
                self.logger.debug("admin socket stopped", metadata: ["error": "\(error)"])
            }
        }
        AdminSocketFile.remove(path: self.path)
    }

    func close() {
        self.listener.channel.close(promise: nil)
    }

    /// Closes a socket that never ran (the server failed to start) and removes its file.
    func abandon() async {
        try? await self.listener.channel.close()
        AdminSocketFile.remove(path: self.path)
    }

    private func serve(_ peer: AdminPeer) async {
        do {
            try await peer.channel.executeThenClose { inbound, outbound in
                guard let credentials = peer.credentials, credentials.mayAdminister else {
                    self.logger.warning("admin socket refused a peer of another user", metadata: [
                        "uid": "\(peer.credentials.map { String($0.uid) } ?? "unknown")", "pid": "\(peer.credentials.map { String($0.pid) } ?? "unknown")",
                    ])
                    let refusal = AdminResponse.failure("permission denied: only the server's own user or root may use the admin socket")
                    try await outbound.write(ByteBuffer(bytes: refusal.encodedLine()))
                    return
                }
                let decoder = JSONDecoder()
                for try await line in inbound {
                    let response: AdminResponse
                    do {
                        let request = try decoder.decode(AdminRequest.self, from: Data(line.readableBytesView))
                        response = await self.handler(request)
                    } catch {
                        response = .failure("not a request: \(Self.describe(error)); send one JSON object per line, e.g. {\"command\":\"status\"}")
                    }
                    try await outbound.write(ByteBuffer(bytes: response.encodedLine()))
                }
            }
        } catch {
            self.logger.debug("admin connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "'\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}

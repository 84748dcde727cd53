import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP endpoint for scrapers and orchestrators: `/metrics` (Prometheus text), `/healthz` (the
/// process is alive and its loops turn) and `/readyz` (it can take players now). NIOHTTP1 parses the
/// requests; every answer is small and closes nothing but what HTTP/1.1 says to.
final class ProbeServer: Sendable {
    /// What a path answers: status and body.
    typealias Answer = @Sendable (_ path: String) async -> (status: HTTPResponseStatus, contentType: String, body: String)

    let channel: any Channel
    /// The answers being worked out; ``close()`` waits for them.
    private let answers: TaskTracker
    var port: Int? { self.channel.localAddress?.port }

    static func bind(host: String, port: Int, group: any EventLoopGroup, answer: @escaping Answer) async throws -> ProbeServer {
        let answers = TaskTracker()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(ProbeHandler(answer: answer, answers: answers))
                }
            }
            .bind(host: host, port: port)
            .get()
        return ProbeServer(channel: channel, answers: answers)
    }

    private init(channel: any Channel, answers: TaskTracker) {
        self.channel = channel
        self.answers = answers
    }

    /// Stops listening and waits for the answers under way (they read the server's state).
    func close() async {
        try? await self.channel.close()
        await self.answers.wait()
    }
}

/// Answers one request at a time on one connection.
final class ProbeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let answer: ProbeServer.Answer
    private let answers: TaskTracker
    private var request: HTTPRequestHead?

    init(answer: @escaping ProbeServer.Answer, answers: TaskTracker) {
        self.answer = answer
        self.answers = answers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.request = head
        case .body:
            break
        case .end:
            guard let head = self.request else { return }
            self.request = nil
            let path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
            let keepAlive = head.isKeepAlive
            let version = head.version
            let isHead = head.method == .HEAD
            let answer = self.answer
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let promise = context.eventLoop.makePromise(of: (status: HTTPResponseStatus, contentType: String, body: String).self)
            if head.method == .GET || isHead {
                self.answers.spawn { promise.succeed(await answer(path)) }
            } else {
                promise.succeed((.methodNotAllowed, "text/plain; charset=utf-8", "only GET and HEAD\n"))
            }
            promise.futureResult.whenSuccess { status, contentType, body in
                let (handler, context) = loopBound.value
                handler.respond(context: context, version: version, keepAlive: keepAlive, status: status, contentType: contentType, body: isHead ? nil : body, length: body.utf8.count)
            }
        }
    }

    private func respond(context: ChannelHandlerContext, version: HTTPVersion, keepAlive: Bool, status: HTTPResponseStatus, contentType: String, body: String?, length: Int) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: "\(length)")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        if let body {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        }
        let done = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

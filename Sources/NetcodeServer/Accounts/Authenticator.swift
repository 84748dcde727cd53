import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import NetcodeProtocol
import NetcodeStore

/// Checks credentials against the account table. Hashing runs on NIO's blocking thread pool, not on an
/// event loop or the cooperative pool, so a burst of logins can't stall sockets or the tick loop.
final class Authenticator: Sendable {
    enum Outcome: Sendable {
        case success(LobbyAccount, newAccount: Bool)
        case failure(LobbyErrorCode, String)
    }

    private let database: NetcodeDatabase
    private let hasher: PasswordHasher
    private let threadPool: NIOThreadPool
    private let limiter: NIOLockedValueBox<LoginRateLimiter>
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant
    private let logger: Logger
    /// A hash of a random password, verified against when the name is unknown, so a missing account
    /// takes as long to refuse as a wrong password (no name probing by timing).
    private let decoy: PasswordHasher.Hash

    init(database: NetcodeDatabase, hasher: PasswordHasher, limiter: LoginRateLimiter, threadPool: NIOThreadPool = .singleton, logger: Logger) throws {
        self.database = database
        self.hasher = hasher
        self.threadPool = threadPool
        self.limiter = NIOLockedValueBox(limiter)
        self.origin = self.clock.now
        self.logger = logger
        self.decoy = try hasher.hash(UUID().uuidString)
    }

    func authenticate(_ request: AuthenticationRequest, from address: String) async -> Outcome {
        let now = self.clock.now - self.origin
        if let wait = self.limiter.withLockedValue({ $0.retryDelay(for: address, now: now) }) {
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            return .failure(.rateLimited, "too many failed logins from \(address); try again in \(seconds) s")
        }
        do {
            switch request.kind {
            case .register:
                return try await self.register(request)
            case .login:
                let outcome = try await self.login(request)
                if case .failure = outcome {
                    self.limiter.withLockedValue { $0.recordFailure(for: address, now: self.clock.now - self.origin) }
                } else {
                    self.limiter.withLockedValue { $0.recordSuccess(for: address) }
                }
                return outcome
            }
        } catch let error as StoreError {
            if case .nameTaken = error { return .failure(.nameTaken, "the name '\(request.name)' is taken; choose another") }
            self.logger.error("account store failed", metadata: ["error": "\(error)"])
            return .failure(.internalError, "the account store failed; try again")
        } catch {
            self.logger.error("authentication failed", metadata: ["error": "\(error)"])
            return .failure(.internalError, "authentication failed on the server; try again")
        }
    }

    private func register(_ request: AuthenticationRequest) async throws -> Outcome {
        if try await self.database.account(named: request.name) != nil {
            return .failure(.nameTaken, "the name '\(request.name)' is taken; choose another")
        }
        let hasher = self.hasher
        let password = request.password
        let hash = try await self.threadPool.runIfActive { try hasher.hash(password) }
        let account = try await self.database.createAccount(
            name: request.name,
            passwordHash: Data(hash.hash),
            salt: Data(hash.salt),
            algorithm: PasswordHasher.algorithm,
            iterations: hash.iterations
        )
        return .success(LobbyAccount(id: UInt64(account.id), name: account.name), newAccount: true)
    }

    private func login(_ request: AuthenticationRequest) async throws -> Outcome {
        let account = try await self.database.account(named: request.name)
        let stored = account.map {
            PasswordHasher.Hash(hash: Array($0.passwordHash), salt: Array($0.salt), iterations: $0.hashIterations)
        } ?? self.decoy
        let password = request.password
        let matches = try await self.threadPool.runIfActive { try PasswordHasher.verify(password, against: stored) }
        guard let account, matches, account.hashAlgorithm == PasswordHasher.algorithm else {
            return .failure(.badCredentials, "wrong name or password")
        }
        try await self.database.recordLogin(accountID: account.id)
        return .success(LobbyAccount(id: UInt64(account.id), name: account.name), newAccount: false)
    }
}

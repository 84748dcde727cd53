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
    private let registrations: NIOLockedValueBox<RegistrationLimiter>
    /// Addresses exempt from the registration limit (the local bot swarm).
    private let trustedAddresses: Set<String>
    /// Password hashes queued or running at most; more are refused at once rather than queued without
    /// bound behind each other (where every later login would wait for all of them).
    private let maximumPendingHashes: Int
    private let pendingHashes = NIOLockedValueBox(0)
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant
    private let logger: Logger
    /// A hash of a random password, verified against when the name is unknown, so a missing account
    /// takes as long to refuse as a wrong password (no name probing by timing).
    private let decoy: PasswordHasher.Hash

    init(
        database: NetcodeDatabase,
        hasher: PasswordHasher,
        limiter: LoginRateLimiter,
        registrations: RegistrationLimiter = RegistrationLimiter(allowed: 10, window: .seconds(3600)),
        trustedAddresses: Set<String> = ServerConfiguration.loopbackAddresses,
        maximumPendingHashes: Int = 64,
        threadPool: NIOThreadPool = .singleton,
        logger: Logger
    ) throws {
        self.database = database
        self.hasher = hasher
        self.threadPool = threadPool
        self.limiter = NIOLockedValueBox(limiter)
        self.registrations = NIOLockedValueBox(registrations)
        self.trustedAddresses = trustedAddresses
        self.maximumPendingHashes = maximumPendingHashes
        self.origin = self.clock.now
        self.logger = logger
        self.decoy = try hasher.hash(UUID().uuidString)
    }

    func authenticate(_ request: AuthenticationRequest, from address: String) async -> Outcome {
        let now = self.clock.now - self.origin
        do {
            switch request.kind {
            case .register:
                if !self.trustedAddresses.contains(address),
                   let wait = self.registrations.withLockedValue({ $0.begin(for: address, now: now) }) {
                    return .failure(.rateLimited, "too many new accounts from \(address); try again in \(Self.wholeSeconds(wait)) s")
                }
                return try await self.register(request)
            case .login:
                // The attempt counts before any hashing starts, so guesses sent at once are all counted
                // against the limit instead of all passing the check while the first is still hashing.
                if let wait = self.limiter.withLockedValue({ $0.beginAttempt(for: address, name: request.name, now: now) }) {
                    return .failure(.rateLimited, "too many failed logins from \(address); try again in \(Self.wholeSeconds(wait)) s")
                }
                let outcome = try await self.login(request)
                if case .success = outcome {
                    self.limiter.withLockedValue { $0.recordSuccess(for: address, name: request.name) }
                }
                return outcome
            }
        } catch is HashingQueueFull {
            return .failure(.serverFull, "the server is busy checking passwords; try again in a moment")
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
        let hasher = self.hasher
        let password = request.password
        // The hash comes first, even for a name already taken, so the answer takes as long either way
        // (no name probing by timing).
        let hash = try await self.hashing { try hasher.hash(password) }
        if try await self.database.account(named: request.name) != nil {
            return .failure(.nameTaken, "the name '\(request.name)' is taken; choose another")
        }
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
        let matches = try await self.hashing { try PasswordHasher.verify(password, against: stored) }
        guard let account, matches, account.hashAlgorithm == PasswordHasher.algorithm else {
            return .failure(.badCredentials, "wrong name or password")
        }
        // Checking a password needs only a read: a locked or full database must not lock every user out.
        do {
            try await self.database.recordLogin(accountID: account.id)
        } catch {
            self.logger.warning("could not record the login time", metadata: ["account": "\(account.id)", "error": "\(error)"])
        }
        return .success(LobbyAccount(id: UInt64(account.id), name: account.name), newAccount: false)
    }

    private struct HashingQueueFull: Error {}

    /// Runs password work on the thread pool if fewer than `maximumPendingHashes` jobs are queued or running.
    private func hashing<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = self.pendingHashes.withLockedValue { pending in
            guard pending < self.maximumPendingHashes else { return false }
            pending += 1
            return true
        }
        guard admitted else { throw HashingQueueFull() }
        defer { self.pendingHashes.withLockedValue { $0 -= 1 } }
        return try await self.threadPool.runIfActive(work)
    }

    private static func wholeSeconds(_ wait: Duration) -> Int {
        max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
    }
}

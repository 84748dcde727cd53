import Logging
import NetcodeProtocol
import Testing
@testable import NetcodeServer
@testable import NetcodeStore

@Suite struct AuthenticatorTests {
    @Test func aLoginSucceedsWhenItsLoginTimeCannotBeWritten() async throws {
        let database = try NetcodeDatabase.inMemory()
        let authenticator = try Authenticator(
            database: database, hasher: PasswordHasher(iterations: 1_000), limiter: LoginRateLimiter(), logger: Logger(label: "test")
        )
        let registered = await authenticator.authenticate(AuthenticationRequest(kind: .register, name: "alice", password: "password1"), from: "a")
        guard case .success = registered else {
            Issue.record("register answered \(registered)")
            return
        }
        try await database.failLoginTimeWrites()
        // Checking a password needs only a read; a database that cannot be written must not lock users out.
        let login = await authenticator.authenticate(AuthenticationRequest(kind: .login, name: "alice", password: "password1"), from: "a")
        guard case .success(let account, let newAccount) = login else {
            Issue.record("login answered \(login)")
            return
        }
        #expect(account.name == "alice")
        #expect(!newAccount)
    }
}

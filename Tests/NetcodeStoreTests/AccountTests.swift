import Foundation
import Testing
@testable import NetcodeStore

@Suite("Accounts")
struct AccountTests {
    @Test("a created account can be found by id and by name in any case")
    func createAndLookUp() async throws {
        let db = try NetcodeDatabase.inMemory()
        let created = try await db.createAccount(
            name: "Ada",
            passwordHash: Data([0xde, 0xad, 0xbe, 0xef]),
            salt: Data([9, 8, 7]),
            algorithm: "pbkdf2-sha256",
            iterations: 210_000,
            at: Fixtures.time(offsetMs: 5)
        )
        #expect(created.id > 0)
        #expect(created.name == "Ada")
        #expect(created.lastLoginAt == nil)
        #expect(created.createdAt == Fixtures.time(offsetMs: 5))

        #expect(try await db.account(id: created.id) == created)
        #expect(try await db.account(named: "Ada") == created)
        #expect(try await db.account(named: "aDA") == created)
        #expect(try await db.account(named: "Adam") == nil)
        #expect(try await db.account(id: created.id + 1) == nil)
    }

    @Test("a name taken in another case is refused with nameTaken")
    func duplicateName() async throws {
        let db = try NetcodeDatabase.inMemory()
        try await Fixtures.account("Ada", in: db)
        await #expect(throws: StoreError.nameTaken(name: "ADA")) {
            try await Fixtures.account("ADA", in: db)
        }
        #expect(try await db.rowCount("accounts") == 1)
        #expect(StoreError.nameTaken(name: "ADA").description.contains("\"ADA\" is taken"))
    }

    @Test("different names get different ids")
    func distinctIDs() async throws {
        let db = try NetcodeDatabase.inMemory()
        let ada = try await Fixtures.account("Ada", in: db)
        let bob = try await Fixtures.account("Bob", in: db)
        #expect(ada.id != bob.id)
        #expect(try await db.account(named: "bob")?.id == bob.id)
    }

    @Test("an empty name breaks the schema")
    func emptyName() async throws {
        let db = try NetcodeDatabase.inMemory()
        await #expect(throws: StoreError.self) { try await Fixtures.account("", in: db) }
        #expect(try await db.rowCount("accounts") == 0)
    }

    @Test("recordLogin stamps the last login and keeps the other fields")
    func recordLogin() async throws {
        let db = try NetcodeDatabase.inMemory()
        let ada = try await Fixtures.account("Ada", in: db)
        try await db.recordLogin(accountID: ada.id, at: Fixtures.time(offsetMs: 90_001))
        let reloaded = try #require(try await db.account(id: ada.id))
        #expect(reloaded.lastLoginAt == Fixtures.time(offsetMs: 90_001))
        var expected = ada
        expected.lastLoginAt = Fixtures.time(offsetMs: 90_001)
        #expect(reloaded == expected)
    }

    @Test("recordLogin for a missing account throws accountNotFound")
    func recordLoginMissing() async throws {
        let db = try NetcodeDatabase.inMemory()
        await #expect(throws: StoreError.accountNotFound(id: 77)) {
            try await db.recordLogin(accountID: 77, at: Fixtures.time(offsetMs: 0))
        }
    }
}

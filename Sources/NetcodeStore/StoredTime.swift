import Foundation

/// Every time in the database is an INTEGER count of milliseconds since 1970-01-01T00:00:00Z.
///
/// Integers sort, compare and subtract in plain SQL (`ended_at - started_at` is a duration in ms),
/// and the sqlite3 CLI turns them into text with `datetime(ended_at / 1000, 'unixepoch')`.
/// A `Date` keeps only whole milliseconds on its way through the store, so a value built with
/// `Date(millisecondsSince1970:)` reads back equal to itself.
enum StoredTime {
    /// Rounds to the nearest millisecond rather than truncating, so that a date decoded from
    /// `ms` and encoded again gives `ms` back despite binary floating point.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension Date {
    /// The date `milliseconds` after 1970-01-01T00:00:00Z: the precision the store keeps.
    public init(millisecondsSince1970 milliseconds: Int64) {
        self = StoredTime.date(milliseconds)
    }

    /// Whole milliseconds since 1970-01-01T00:00:00Z, rounded to the nearest: what the store writes.
    public var millisecondsSince1970: Int64 {
        StoredTime.milliseconds(self)
    }
}

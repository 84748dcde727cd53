extension LinkModel {
    /// Why a packet was not delivered.
    public enum DropReason: Sendable, Hashable, CustomStringConvertible {
        case randomLoss
        case burstLoss
        case queueOverflow

        public var description: String {
            switch self {
            case .randomLoss: "random loss"
            case .burstLoss: "burst loss"
            case .queueOverflow: "queue overflow"
            }
        }
    }

    /// The fate of one packet: dropped, or delivered once or twice at absolute times on the caller's clock.
    public struct Decision: Sendable, Hashable {
        /// When the packet arrives, or `nil` when it is dropped.
        public let due: Duration?
        /// When a duplicate copy arrives, if the packet was duplicated.
        public let duplicateDue: Duration?
        /// Why the packet was dropped, or `nil` when it is delivered.
        public let dropReason: DropReason?
        /// Whether the packet was held back by the reorder delay (later packets may overtake it).
        public let isReordered: Bool

        static func dropped(_ reason: DropReason) -> Decision {
            Decision(due: nil, duplicateDue: nil, dropReason: reason, isReordered: false)
        }

        /// Zero (dropped), one or two delivery times, the original first.
        public var deliveryTimes: [Duration] {
            [self.due, self.duplicateDue].compactMap { $0 }
        }

        public var isDropped: Bool {
            self.due == nil
        }

        public var isDuplicated: Bool {
            self.duplicateDue != nil
        }
    }
}

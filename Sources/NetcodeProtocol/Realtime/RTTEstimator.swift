/// Smoothed round-trip time and its variation, updated per sample as TCP does (RFC 6298 section 2):
/// the first sample sets SRTT = R and RTTVAR = R/2; later ones apply RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|,
/// then SRTT = 7/8 SRTT + 1/8 R. All values in nanoseconds.
struct RTTEstimator: Sendable, Hashable {
    private(set) var smoothed: Double?
    private(set) var variation: Double?
    private(set) var latest: UInt64?

    mutating func add(sample: UInt64) {
        latest = sample
        let value = Double(sample)
        guard let srtt = smoothed, let rttvar = variation else {
            smoothed = value
            variation = value / 2
            return
        }
        variation = 0.75 * rttvar + 0.25 * abs(srtt - value)
        smoothed = 0.875 * srtt + 0.125 * value
    }
}

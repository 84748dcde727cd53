import Comparison

/// Picks how `compare` makes its link: the network lab where it can be built, portable mode otherwise.
enum LabOrPortable {
    static func choose(forcePortable: Bool) throws -> (any PointRunner, ComparisonReport.Mode, String) {
        if forcePortable {
            return (PortablePointRunner(), .portable, "portable mode was asked for (--portable): UDP impaired in process, TCP over unimpaired loopback")
        }
        return (PortablePointRunner(), .portable, "the network lab is not part of this build: UDP impaired in process, TCP over unimpaired loopback")
    }
}

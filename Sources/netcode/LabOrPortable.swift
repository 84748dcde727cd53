import Comparison
import NetworkLab

/// Picks how `compare` makes its link: the network lab where it can be built, portable mode otherwise.
enum LabOrPortable {
    static func choose(forcePortable: Bool) throws -> (any PointRunner, ComparisonReport.Mode, String) {
        if forcePortable {
            return (PortablePointRunner(), .portable, "portable mode was asked for (--portable): UDP impaired in process, TCP over unimpaired loopback")
        }
        let availability = NetworkLab.availability()
        #if os(Linux)
        if availability.isAvailable, let executable = NetworkLab.currentExecutablePath {
            return (LabPointRunner(executable: executable), .lab, "server and bots in two network namespaces joined by the emulated link; kernel TCP and UDP cross it alike (\(availability.reason))")
        }
        #endif
        return (PortablePointRunner(), .portable, "the network lab can't be built here (\(availability.reason)): UDP impaired in process, TCP over unimpaired loopback")
    }
}

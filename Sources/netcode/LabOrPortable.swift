import ArgumentParser
import Comparison
import NetworkLab

/// Picks how `compare` makes its link: the network lab where it can be built, portable mode otherwise.
enum LabOrPortable {
    /// - Parameter capturePath: `--pcap`; only the lab has a link whose packets can be recorded.
    static func choose(forcePortable: Bool, capturePath: String? = nil) throws -> (any PointRunner, ComparisonReport.Mode, String) {
        if capturePath != nil && forcePortable {
            throw ValidationError("--pcap records the lab's link; portable mode has none (drop --portable or --pcap)")
        }
        if forcePortable {
            return (PortablePointRunner(), .portable, "portable mode was asked for (--portable): UDP impaired in process, TCP over unimpaired loopback")
        }
        let availability = NetworkLab.availability()
        #if os(Linux)
        if availability.isAvailable, let executable = NetworkLab.currentExecutablePath {
            return (LabPointRunner(executable: executable, capturePath: capturePath), .lab, "server and bots in two network namespaces joined by the emulated link; kernel TCP and UDP cross it alike (\(availability.reason))")
        }
        #endif
        if capturePath != nil {
            throw ValidationError("--pcap records the lab's link, and the lab can't be built here (\(availability.reason))")
        }
        return (PortablePointRunner(), .portable, "the network lab can't be built here (\(availability.reason)): UDP impaired in process, TCP over unimpaired loopback")
    }
}

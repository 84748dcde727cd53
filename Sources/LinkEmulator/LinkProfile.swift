/// A named network between a client and a server: one ``ImpairmentProfile`` per direction.
public struct LinkProfile: Sendable, Hashable {
    /// Short name used on command lines and in reports, such as `wifi`.
    public var name: String
    /// One line for people: what network this stands for.
    public var about: String
    /// Client to server.
    public var upstream: ImpairmentProfile
    /// Server to client.
    public var downstream: ImpairmentProfile

    public init(name: String, about: String = "", upstream: ImpairmentProfile, downstream: ImpairmentProfile) {
        self.name = name
        self.about = about
        self.upstream = upstream
        self.downstream = downstream
    }

    /// The same impairment both ways.
    public static func symmetric(name: String, about: String = "", _ profile: ImpairmentProfile) -> LinkProfile {
        LinkProfile(name: name, about: about, upstream: profile, downstream: profile)
    }

    /// Checks both directions, naming the direction of the first bad parameter (`downstream.loss`).
    public func validate() throws(LinkProfileError) {
        do { try self.upstream.validate() } catch { throw error.inside("upstream") }
        do { try self.downstream.validate() } catch { throw error.inside("downstream") }
    }
}

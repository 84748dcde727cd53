import GameSimulation
import NIOCore
import NetcodeProtocol

/// One player's seat in a running match: the realtime connection state and what the server measured.
///
/// A class, not a struct: the match reaches into a slot for every datagram and every snapshot, and a
/// struct element of the slots array was copied whole (connection, logs, histograms of retains) on
/// reads the optimizer could not turn into borrows. Confined to the match's shard like the match.
final class PlayerSlot {
    let account: LobbyAccount
    let playerID: UInt8
    /// Replaced when the player rejoins after a dropped lobby connection (a fresh session and key).
    var sessionID: UInt32
    var connection: RealtimeConnection
    var inputs = InputReceiver()
    /// The newest input received since the last tick, applied to the world when the next tick runs (the
    /// same tick it would have acted on if set at once). Kept here, in the seat a packet already touches,
    /// so handling an input does not reach into the world's arrays, which are cold between ticks.
    var pendingInput: PlayerInput?
    var baselines = SnapshotBaselineTracker()
    /// The validated address snapshots go to: one the client answered a challenge from. `nil` until the
    /// first challenge is answered, so nothing but a challenge goes anywhere before that.
    var address: SocketAddress?
    /// An address authentic packets came from that is not validated yet, the token challenged there and
    /// when the last challenge went out.
    var pendingPath: (address: SocketAddress, token: UInt64, challengedAt: UInt64?)?
    /// The lobby connection that carries this player's packets in a tcp match.
    var tcp: LobbyConnectionHandleReference?
    /// An authentic packet of this session has arrived. In a tcp match no snapshot is sent to the player
    /// before: the client learns its session from `matchStarting`, which the lobby sends once the match
    /// is placed, and a snapshot frame sent by the shard at once could overtake it on the connection. (A
    /// udp match waits longer still: for an answered challenge, ``address``.)
    var heardThisSession = false
    /// The lobby connection of the player's current session (udp or tcp): a detach names the connection
    /// that dropped, so one that arrives after the player is already back on a new connection is ignored.
    var lobbyConnection: ConnectionID?
    var connected = true
    /// The lobby connection dropped and the seat is held: the player idles and never times out until
    /// it rejoins or the seat expires.
    var awaitingReconnect = false
    /// When this session began, for the admin socket's per-second rates.
    var sessionStartedAt: UInt64
    var snapshotsSent = 0
    /// Snapshots of a tcp match the lobby connection refused (not in ``snapshotsSent``).
    var snapshotsDropped = 0
    /// When the newest authentic packet from this player arrived; the slot's creation before any, so a
    /// player who never sends anything times out too.
    var lastHeardAt: UInt64

    init(account: LobbyAccount, playerID: UInt8, sessionID: UInt32, key: [UInt8], tcp: LobbyConnectionHandleReference?, now: UInt64, lobbyConnection: ConnectionID? = nil) {
        self.lobbyConnection = lobbyConnection
        self.account = account
        self.playerID = playerID
        self.sessionID = sessionID
        self.connection = RealtimeConnection(sessionID: sessionID, keyBytes: key)
        self.tcp = tcp
        self.lastHeardAt = now
        self.sessionStartedAt = now
    }
}

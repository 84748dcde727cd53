#!/usr/bin/env python3
"""Independent netcode client built from docs/PROTOCOL.md alone.

Logs two accounts in over the TCP lobby, has them play one match (UDP or
TCP realtime transport), checks the match roster against the accounts,
verifies and decodes every snapshot (full and delta), acknowledges them so
the server delta-encodes, and prints one JSON summary when the lobby
announces the end of the match. With --drop-snapshots and --skip-inputs it
loses known packets each way and computes the loss figures of section 2.1.4
(its own, and the ones the server must report for it).

    python3 Tests/Interop/independent_client.py --port 7931 --transport udp
    python3 Tests/Interop/independent_client.py --self-check

Standard library only (Python 3.11).
"""

import argparse
import hashlib
import hmac
import json
import math
import select
import socket
import struct
import sys
import time

PROTOCOL_VERSION = 1

# ---------------------------------------------------------------- lobby ---

C_HELLO = 0x01
C_REGISTER = 0x02
C_LOGIN = 0x03
C_LOGOUT = 0x04
C_LIST_ROOMS = 0x05
C_CREATE_ROOM = 0x06
C_JOIN_ROOM = 0x07
C_LEAVE_ROOM = 0x08
C_CHAT = 0x09
C_SET_READY = 0x0A
C_PING = 0x0B
C_REALTIME = 0x0C

S_WELCOME = 0x81
S_LOGGED_IN = 0x82
S_ROOM_LIST = 0x83
S_ROOM_STATE = 0x84
S_CHAT_MESSAGE = 0x85
S_MATCH_STARTING = 0x86
S_MATCH_ENDED = 0x87
S_ERROR = 0x88
S_GOING_AWAY = 0x89
S_PONG = 0x8A
S_LEFT_ROOM = 0x8B
S_LOGGED_OUT = 0x8C
S_REALTIME = 0x8D

ERROR_NAMES = {
    1: "unsupportedVersion", 2: "malformedMessage", 3: "frameTooLarge",
    4: "helloRequired", 5: "notLoggedIn", 6: "alreadyLoggedIn",
    7: "nameTaken", 8: "badCredentials", 9: "rateLimited",
    10: "invalidName", 11: "weakPassword", 12: "roomNotFound",
    13: "roomFull", 14: "notInRoom", 15: "alreadyInRoom", 16: "roomInMatch",
    17: "serverFull", 18: "idleTimeout", 19: "flooding",
    20: "invalidArgument", 21: "unknownMessage", 22: "internalError",
    23: "slowConsumer", 24: "notInMatch",
}
ERR_NAME_TAKEN = 7

TRANSPORT_UDP = 1
TRANSPORT_TCP = 2
TRANSPORT_NAMES = {TRANSPORT_UDP: "udp", TRANSPORT_TCP: "tcp"}

# ------------------------------------------------------------- realtime ---

RT_VERSION = 2
PT_INPUT = 1
PT_SNAPSHOT = 2
PT_DISCONNECT = 3
PT_KEEPALIVE = 4
PT_CHALLENGE = 5
PT_RESPONSE = 6
HEADER_SIZE = 13
TAG_SIZE = 8
MIN_PACKET = HEADER_SIZE + TAG_SIZE
MAX_PACKET = 1200
REPLAY_WINDOW = 256
ACK_BITS = 32
ACK_WINDOW = ACK_BITS + 1        # the newest sequence and the 32 its ack bits reach
SENT_MEMORY = 1024
SNAPSHOT_RING = 64
INPUT_REDUNDANCY = 5


class ProtocolError(Exception):
    pass


class ServerError(Exception):
    pass


class Timeout(Exception):
    pass


class MissingBaseline(Exception):
    pass


# ------------------------------------------------------------ encoding ---

def enc_string(text):
    raw = text.encode("utf-8")
    if len(raw) > 0xFFFF:
        raise ValueError("string too long")
    return struct.pack(">H", len(raw)) + raw


def frame(msg_type, body=b""):
    payload = bytes([msg_type]) + body
    return struct.pack(">I", len(payload)) + payload


def msg_hello(client, version=PROTOCOL_VERSION):
    return frame(C_HELLO, struct.pack(">H", version) + enc_string(client))


def msg_register(name, password):
    return frame(C_REGISTER, enc_string(name) + enc_string(password))


def msg_login(name, password):
    return frame(C_LOGIN, enc_string(name) + enc_string(password))


def msg_create_room(name, max_players, transport):
    return frame(C_CREATE_ROOM, enc_string(name) + struct.pack(">BB", max_players, transport))


def msg_join_room(room_id):
    return frame(C_JOIN_ROOM, struct.pack(">I", room_id))


def msg_set_ready(ready):
    return frame(C_SET_READY, bytes([1 if ready else 0]))


def msg_ping(nonce):
    return frame(C_PING, struct.pack(">Q", nonce))


def msg_realtime(packet):
    return frame(C_REALTIME, packet)


class Reader:
    """Bounds-checked big-endian reader; any shortfall is a ProtocolError."""

    def __init__(self, data, what):
        self.data = data
        self.pos = 0
        self.what = what

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ProtocolError(f"{self.what}: truncated at byte {self.pos} (need {n} more)")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def i8(self):
        v = self.take(1)[0]
        return v - 256 if v >= 128 else v

    def u16(self):
        return struct.unpack(">H", self.take(2))[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def string(self):
        n = self.u16()
        raw = self.take(n)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(f"{self.what}: invalid UTF-8 string")

    def boolean(self):
        v = self.u8()
        if v not in (0, 1):
            raise ProtocolError(f"{self.what}: bool byte {v}")
        return v == 1

    def transport(self):
        v = self.u8()
        if v not in (TRANSPORT_UDP, TRANSPORT_TCP):
            raise ProtocolError(f"{self.what}: transport byte {v}")
        return v

    def rest(self):
        out = self.data[self.pos:]
        self.pos = len(self.data)
        return out

    def end(self):
        if self.pos != len(self.data):
            raise ProtocolError(f"{self.what}: {len(self.data) - self.pos} bytes after the last field")


def read_room(r):
    return {
        "roomID": r.u32(), "name": r.string(), "playerCount": r.u8(),
        "maxPlayers": r.u8(), "inMatch": r.boolean(), "transport": r.transport(),
    }


def parse_server_message(payload):
    """Decode one lobby frame payload from the server into (type, dict)."""
    if not payload:
        raise ProtocolError("empty frame")
    t = payload[0]
    r = Reader(payload[1:], f"server message 0x{t:02X}")
    m = {}
    if t == S_WELCOME:
        m = {"version": r.u16(), "server": r.string(), "maximumFrameSize": r.u32()}
    elif t == S_LOGGED_IN:
        m = {"accountID": r.u64(), "name": r.string(), "newAccount": r.boolean()}
    elif t == S_ROOM_LIST:
        m = {"rooms": [read_room(r) for _ in range(r.u16())]}
    elif t == S_ROOM_STATE:
        m = {"room": read_room(r)}
        m["members"] = [{"accountID": r.u64(), "name": r.string(), "ready": r.boolean()}
                        for _ in range(r.u8())]
    elif t == S_CHAT_MESSAGE:
        m = {"roomID": r.u32(), "fromAccount": r.u64(), "fromName": r.string(), "text": r.string()}
    elif t == S_MATCH_STARTING:
        m = {
            "matchID": r.u64(), "sessionID": r.u32(), "sessionKey": r.take(32),
            "udpPort": r.u16(), "transport": r.transport(), "playerID": r.u8(),
            "tickRate": r.u16(), "snapshotInterval": r.u16(), "durationTicks": r.u32(),
            "arenaWidth": r.u16(), "arenaHeight": r.u16(),
        }
        m["roster"] = [{"playerID": r.u8(), "accountID": r.u64(), "name": r.string()}
                       for _ in range(r.u8())]
    elif t == S_MATCH_ENDED:
        m = {"matchID": r.u64()}
        m["standings"] = [{
            "playerID": r.u8(), "accountID": r.u64(), "name": r.string(),
            "score": r.u16(), "rank": r.u8(), "connected": r.boolean(),
        } for _ in range(r.u8())]
    elif t == S_ERROR:
        m = {"code": r.u16(), "message": r.string()}
    elif t == S_GOING_AWAY:
        m = {"reason": r.string()}
    elif t == S_PONG:
        m = {"nonce": r.u64()}
    elif t in (S_LEFT_ROOM, S_LOGGED_OUT):
        m = {}
    elif t == S_REALTIME:
        m = {"packet": r.rest()}
    else:
        raise ProtocolError(f"unknown server message type 0x{t:02X}")
    r.end()
    return t, m


# ------------------------------------------------------- realtime codec ---

def reconstruct_sequence(highest, wire):
    """Extended sequence from a 16-bit wire value (section 2.1.1)."""
    expected = 0 if highest is None else highest + 1
    candidate = (expected & ~0xFFFF) | wire
    if candidate + 32768 <= expected:
        candidate += 65536
    elif candidate > expected + 32768 and candidate >= 65536:
        candidate -= 65536
    return candidate


def compute_tag(key, extended_sequence, header_and_payload):
    mac = hmac.new(key, struct.pack(">Q", extended_sequence) + header_and_payload, hashlib.sha256)
    return mac.digest()[:TAG_SIZE]


def seal(key, session_id, ptype, extended_sequence, ack, ack_bits, payload):
    header = struct.pack(">BIHHI", (RT_VERSION << 4) | ptype, session_id,
                         extended_sequence & 0xFFFF, ack, ack_bits)
    body = header + payload
    packet = body + compute_tag(key, extended_sequence, body)
    if len(packet) > MAX_PACKET:
        raise ValueError("packet over 1200 bytes")
    return packet


def encode_input_payload(newest, inputs):
    """inputs: list of (moveX, moveY, buttons), oldest first, ending at `newest`."""
    if len(inputs) > 16 or len(inputs) > newest + 1:
        raise ValueError("too many inputs")
    out = struct.pack(">IB", newest, len(inputs))
    for mx, my, buttons in inputs:
        out += struct.pack(">bbB", mx, my, buttons)
    return out


def restore_tick(wire, newest):
    """Full tick from its low 16 bits, nearest to the newest tick decoded (2.3.2)."""
    if newest is None:
        return wire
    cand = (newest & ~0xFFFF) | wire
    if cand - newest > 32768:
        cand -= 65536
    elif newest - cand > 32768:
        cand += 65536
    return cand if cand >= 0 else cand + 65536


def restore_input(wire, newest_sent):
    """Full input sequence from its low 16 bits: the latest not after the newest sent (2.3.2)."""
    if newest_sent is None:
        return wire
    back = ((newest_sent & 0xFFFF) - wire) % 65536
    return newest_sent - back if back <= newest_sent else wire


def decode_snapshot(payload, ring, newest_tick=None, newest_input_sent=None):
    """Decode a snapshot payload (2.3.2). Returns (header, state, kind).

    state = {"players": {id: [x, y, score, flags]}, "coins": {id: [x, y]}}.
    Raises ProtocolError for malformed bytes and MissingBaseline when the
    delta's baseline tick is not in `ring` (tick -> decoded state).
    """
    r = Reader(payload, "snapshot")
    tick = restore_tick(r.u16(), newest_tick)
    send_time = r.u32()
    input_seq = restore_input(r.u16(), newest_input_sent)
    base_byte = r.u8()
    offset = base_byte & 0x3F
    header = {"tick": tick, "sendTime": send_time, "inputSequence": input_seq, "baselineOffset": offset}
    if offset == 0:
        if base_byte != 0:
            raise ProtocolError(f"full snapshot with section bits 0x{base_byte:02X}")
        players = {}
        last = -1
        for _ in range(r.u8()):
            pid, x, y, score, flags = r.u8(), r.u16(), r.u16(), r.u16(), r.u8()
            if pid <= last:
                raise ProtocolError("full snapshot: player ids not strictly increasing")
            last = pid
            players[pid] = [x, y, score, flags]
        coins = {}
        last = -1
        for _ in range(r.u8()):
            cid, x, y = r.u16(), r.u16(), r.u16()
            if cid <= last:
                raise ProtocolError("full snapshot: coin ids not strictly increasing")
            last = cid
            coins[cid] = [x, y]
        r.end()
        return header, {"players": players, "coins": coins}, "full"

    base_tick = tick - offset
    if base_tick < 0:
        raise ProtocolError(f"delta snapshot: baseline tick {base_tick} below 0")
    if base_tick not in ring:
        raise MissingBaseline(f"tick {tick}: baseline tick {base_tick} not kept")
    base = ring[base_tick]
    players = {pid: list(v) for pid, v in base["players"].items()}
    coins = {cid: list(v) for cid, v in base["coins"].items()}

    changed_players = set()
    last = -1
    for _ in range(r.u8()):
        head = r.u8()
        mask, gap = head & 0x0F, head >> 4
        if gap == 15:
            pid = r.u8()
            if pid < last + 16:
                raise ProtocolError(f"delta: explicit player id {pid} where a gap would do")
        else:
            pid = last + 1 + gap
            if pid > 255:
                raise ProtocolError("delta: changed player id past 255")
        last = pid
        if pid not in players:
            if mask != 0x0F:
                raise ProtocolError(f"delta: new player {pid} with mask 0x{mask:02X} (must be 0x0F)")
            players[pid] = [0, 0, 0, 0]
        p = players[pid]
        form = mask & 0x03
        if form == 1:
            dx, dy = r.i8(), r.i8()
            p[0] = (p[0] + dx) % 65536
            p[1] = (p[1] + dy) % 65536
        elif form == 2:
            b0, b1, b2 = r.u8(), r.u8(), r.u8()
            dx = (b0 << 4) | (b1 >> 4)
            dy = ((b1 & 0x0F) << 8) | b2
            if dx >= 2048:
                dx -= 4096
            if dy >= 2048:
                dy -= 4096
            p[0] = (p[0] + dx) % 65536
            p[1] = (p[1] + dy) % 65536
        elif form == 3:
            p[0], p[1] = r.u16(), r.u16()
        if mask & 0x04:
            p[2] = r.u16()
        if mask & 0x08:
            p[3] = r.u8()
        changed_players.add(pid)
    last = -1
    removed_count = 0
    if base_byte & 0x40:
        removed_count = r.u8()
        if removed_count == 0:
            raise ProtocolError("delta: announced removed-player list is empty")
    for _ in range(removed_count):
        pid = r.u8()
        if pid <= last:
            raise ProtocolError("delta: removed player ids not increasing")
        last = pid
        if pid in changed_players:
            raise ProtocolError(f"delta: player {pid} both changed and removed")
        if pid not in base["players"]:
            raise ProtocolError(f"delta: removed player {pid} not in the baseline")
        del players[pid]
    changed_coins = set()
    last = -1
    has_coins = bool(base_byte & 0x80)
    for _ in range(r.u8() if has_coins else 0):
        cid, x, y = r.u16(), r.u16(), r.u16()
        if cid <= last:
            raise ProtocolError("delta: changed coin ids not increasing")
        last = cid
        coins[cid] = [x, y]
        changed_coins.add(cid)
    last = -1
    removed_coins = r.u8() if has_coins else 0
    if has_coins and removed_coins == 0 and not changed_coins:
        raise ProtocolError("delta: announced coin lists are both empty")
    for _ in range(removed_coins):
        cid = r.u16()
        if cid <= last:
            raise ProtocolError("delta: removed coin ids not increasing")
        last = cid
        if cid in changed_coins:
            raise ProtocolError(f"delta: coin {cid} both changed and removed")
        if cid not in base["coins"]:
            raise ProtocolError(f"delta: removed coin {cid} not in the baseline")
        del coins[cid]
    r.end()
    return header, {"players": players, "coins": coins}, "delta"


# -------------------------------------------------------- realtime peer ---

class RealtimeConnection:
    """One end of a realtime session (2.1, 2.2): sequences, replay window, acks, tags."""

    def __init__(self, session_id, key):
        self.session_id = session_id
        self.key = key
        self.next_sequence = 0          # our next extended sequence
        self.sent = {}                  # extended sequence -> send time (last 1024)
        self.acked = set()              # own sequences known delivered
        self.highest = None             # highest extended sequence accepted from the peer
        self.window = set()             # accepted extended sequences within the window
        self.drops = {}
        self.accepted = 0
        self.srtt = None
        self.rttvar = None
        self.newest_ack = None          # newest own sequence the peer named in its ack field
        self.in_window = set()          # peer sequences accepted while inside our ack window
        self.acks_sent = set()          # peer sequences named by the acks of packets we sent
        self.last_acks = set()

    # -- sending
    def ack_fields(self):
        if self.highest is None:
            return 0xFFFF, 0
        bits = 0
        for i in range(ACK_BITS):
            if self.highest - 1 - i in self.window:
                bits |= 1 << i
        return self.highest & 0xFFFF, bits

    def seal(self, ptype, payload, now=None):
        seq = self.next_sequence
        self.next_sequence += 1
        ack, bits = self.ack_fields()
        self.last_acks = set()           # peer sequences this packet acks
        if self.highest is not None:
            self.last_acks.add(self.highest)
            self.last_acks.update(self.highest - 1 - i for i in range(ACK_BITS) if bits & (1 << i))
        packet = seal(self.key, self.session_id, ptype, seq, ack, bits, payload)
        self.sent[seq] = time.monotonic() if now is None else now
        if len(self.sent) > SENT_MEMORY:
            for old in sorted(self.sent)[:len(self.sent) - SENT_MEMORY]:
                del self.sent[old]
        return packet

    # -- receiving (2.1.3); returns (type, payload) or None when dropped
    def _drop(self, reason):
        self.drops[reason] = self.drops.get(reason, 0) + 1
        return None

    def receive(self, data, now=None):
        if len(data) > MAX_PACKET:
            return self._drop("oversized")
        if len(data) < MIN_PACKET:
            return self._drop("truncated")
        if data[0] >> 4 != RT_VERSION:
            return self._drop("badVersion")
        ptype = data[0] & 0x0F
        if ptype not in (1, 2, 3, 4, 5, 6):
            return self._drop("unknownType")
        session_id, wire_seq, ack, ack_bits = struct.unpack(">IHHI", data[1:HEADER_SIZE])
        if session_id != self.session_id:
            return self._drop("unknownSession")
        ext = reconstruct_sequence(self.highest, wire_seq)
        body, tag = data[:-TAG_SIZE], data[-TAG_SIZE:]
        if not hmac.compare_digest(compute_tag(self.key, ext, body), tag):
            return self._drop("badTag")
        if ext in self.window:
            return self._drop("replayed")
        if self.highest is not None and ext + REPLAY_WINDOW <= self.highest:
            return self._drop("tooOld")
        payload = data[HEADER_SIZE:-TAG_SIZE]
        if ptype == PT_KEEPALIVE and len(payload) != 0:
            return self._drop("malformedPayload")
        if ptype == PT_DISCONNECT and len(payload) != 1:
            return self._drop("malformedPayload")
        if ptype in (PT_CHALLENGE, PT_RESPONSE) and len(payload) != 8:
            return self._drop("malformedPayload")
        # accepted
        self.accepted += 1
        self.window.add(ext)
        if self.highest is None or ext > self.highest:
            self.highest = ext
            low = self.highest - REPLAY_WINDOW
            self.window = {s for s in self.window if s > low}
        if ext + ACK_WINDOW > self.highest:
            self.in_window.add(ext)
        self._process_acks(ack, ack_bits, time.monotonic() if now is None else now)
        return ptype, payload

    def _own_sequence(self, wire):
        """Newest own extended sequence with these low 16 bits, if still remembered."""
        if self.next_sequence == 0:
            return None
        newest = self.next_sequence - 1
        cand = (newest & ~0xFFFF) | wire
        if cand > newest:
            cand -= 65536
        if cand < 0 or cand not in self.sent:
            return None
        return cand

    def _process_acks(self, ack, ack_bits, now):
        own = self._own_sequence(ack)
        if own is None:
            return
        if self.newest_ack is None or own > self.newest_ack:
            self.newest_ack = own
        if own not in self.acked:
            self.acked.add(own)
            sample = now - self.sent[own]
            if self.srtt is None:
                self.srtt, self.rttvar = sample, sample / 2
            else:
                self.rttvar = 0.75 * self.rttvar + 0.25 * abs(self.srtt - sample)
                self.srtt = 0.875 * self.srtt + 0.125 * sample
        for i in range(ACK_BITS):
            if ack_bits & (1 << i):
                s = own - 1 - i
                if s in self.sent:
                    self.acked.add(s)
        if len(self.acked) > 4 * SENT_MEMORY:
            floor = self.next_sequence - SENT_MEMORY
            self.acked = {s for s in self.acked if s >= floor}


    # -- loss figures (2.1.4): only packets that left the ack window count, in both parts
    def loss_remote_to_local(self):
        """(lost, settled): peer packets more than 32 behind the newest accepted, and those of them
        not accepted while they could still be acked."""
        limit = max(0, self.highest - ACK_BITS) if self.highest is not None else 0
        delivered = sum(1 for s in self.in_window if s < limit)
        return limit - delivered, limit

    def loss_local_to_remote(self):
        """(lost, settled): own packets more than 32 behind the newest the peer acked, and those
        of them it never acked."""
        limit = max(0, self.newest_ack - ACK_BITS) if self.newest_ack is not None else 0
        delivered = sum(1 for s in self.acked if s < limit)
        return limit - delivered, limit


def ratio(lost_settled):
    lost, settled = lost_settled
    return None if settled == 0 else lost / settled


# ---------------------------------------------------------- lobby peer ---

class Lobby:
    def __init__(self, label, host, port, deadline):
        self.label = label
        self.deadline = deadline
        self.sock = socket.create_connection((host, port), timeout=max(0.1, deadline - time.monotonic()))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buffer = bytearray()
        self.inbox = []
        self.max_frame = 65536
        self.closed = False
        self.last_sent = time.monotonic()
        self.trace = None

    def fileno(self):
        return self.sock.fileno()

    def send(self, data):
        self.sock.setblocking(True)
        try:
            self.sock.sendall(data)
        finally:
            self.sock.setblocking(False)
        self.last_sent = time.monotonic()

    def pump(self):
        """Read what is available; parse complete frames into the inbox."""
        try:
            chunk = self.sock.recv(65536)
        except BlockingIOError:
            return
        except ConnectionError as e:
            raise ProtocolError(f"{self.label}: lobby connection failed: {e}")
        if not chunk:
            self.closed = True
        self.buffer.extend(chunk)
        while len(self.buffer) >= 4:
            length = struct.unpack(">I", self.buffer[:4])[0]
            if length == 0 or length > max(self.max_frame, 65536):
                raise ProtocolError(f"{self.label}: server frame length {length}")
            if len(self.buffer) < 4 + length:
                break
            payload = bytes(self.buffer[4:4 + length])
            del self.buffer[:4 + length]
            self.inbox.append(parse_server_message(payload))
        if self.closed and not self.inbox:
            raise ProtocolError(f"{self.label}: server closed the lobby connection"
                                + (" mid-frame" if self.buffer else ""))

    def next_message(self):
        """Block until one message is available (or the deadline passes)."""
        while not self.inbox:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise Timeout(f"{self.label}: timed out waiting for the lobby")
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                self.pump()
        return self.inbox.pop(0)

    def expect(self, wanted, allow_errors=()):
        """Next message of a type in `wanted`; skips pushes that may interleave."""
        while True:
            t, m = self.next_message()
            if t in wanted:
                return t, m
            if t == S_ERROR:
                if m["code"] in allow_errors:
                    return t, m
                raise ServerError(f"{self.label}: error {m['code']} "
                                  f"({ERROR_NAMES.get(m['code'], '?')}): {m['message']}")
            if t == S_GOING_AWAY:
                raise ServerError(f"{self.label}: goingAway: {m['reason']}")
            if t in (S_ROOM_STATE, S_CHAT_MESSAGE, S_PONG, S_ROOM_LIST):
                if self.trace:
                    self.trace(f"{self.label}: (skipped) 0x{t:02X} {m}")
                continue
            raise ProtocolError(f"{self.label}: unexpected message 0x{t:02X} while waiting for "
                                + ", ".join(f"0x{w:02X}" for w in wanted))


# -------------------------------------------------------------- player ---

class Player:
    def __init__(self, label, name, lobby):
        self.label = label
        self.name = name
        self.lobby = lobby
        self.account_id = None
        self.start = None
        self.rt = None
        self.udp = None
        self.udp_addr = None
        self.input_seq = 0
        self.inputs = []             # newest INPUT_REDUNDANCY (seq, (mx, my, buttons))
        self.ring = {}               # tick -> decoded state
        self.snapshots_received = 0
        self.decoded_full = 0
        self.decoded_delta = 0
        self.decode_errors = 0
        self.missing_baselines = 0
        self.tag_failures = 0
        self.final_tick = None
        self.disconnect_reason = None
        self.challenges = 0
        self.ended = None
        self.ping_nonce = 0
        self.pongs = 0
        self.outstanding_pings = set()
        self.max_baseline_offset = 0
        self.drop_every = 0          # drop every Nth arriving snapshot before it is opened (0: none)
        self.skip_every = 0          # seal but never send every Nth input packet (0: none)
        self.snapshot_arrivals = 0
        self.snapshots_dropped = []  # extended sequences of the snapshots dropped on purpose
        self.inputs_skipped = []     # own sequences sealed and never sent
        self.acked_with_input = {}   # input sequence -> peer sequences acked by packets sent up to it
        self.last_processed_input = 0
        self.roster_ids = set()

    # -- realtime send
    def send_packet(self, packet):
        """Sends the packet sealed last."""
        if self.start["transport"] == TRANSPORT_UDP:
            self.udp.sendto(packet, self.udp_addr)
        else:
            self.lobby.send(msg_realtime(packet))
        self.rt.acks_sent.update(self.rt.last_acks)

    def steer(self, elapsed, phase):
        """Stick toward the nearest coin of the newest decoded snapshot (else circle)."""
        angle = elapsed * 1.7 + phase
        if self.final_tick is not None:
            state = self.ring[self.final_tick]
            me = state["players"].get(self.start["playerID"])
            if me is not None and state["coins"]:
                w, h = self.start["arenaWidth"], self.start["arenaHeight"]
                mx_m, my_m = me[0] / 65535 * w, me[1] / 65535 * h
                best = min(state["coins"].values(),
                           key=lambda c: (c[0] / 65535 * w - mx_m) ** 2 + (c[1] / 65535 * h - my_m) ** 2)
                angle = math.atan2(best[1] / 65535 * h - my_m, best[0] / 65535 * w - mx_m)
        return (max(-127, min(127, round(127 * math.cos(angle)))),
                max(-127, min(127, round(127 * math.sin(angle)))))

    def send_input(self, elapsed, phase):
        self.input_seq += 1
        mx, my = self.steer(elapsed, phase)
        self.inputs.append((self.input_seq, (mx, my, 0)))
        self.inputs = self.inputs[-INPUT_REDUNDANCY:]
        payload = encode_input_payload(self.input_seq, [v for _, v in self.inputs])
        sequence = self.rt.next_sequence
        packet = self.rt.seal(PT_INPUT, payload)
        if self.skip_every and self.input_seq % self.skip_every == 0:
            self.inputs_skipped.append(sequence)   # lost on the way up, as far as the server can tell
            return
        self.send_packet(packet)
        self.acked_with_input[self.input_seq] = frozenset(self.rt.acks_sent)

    def send_ping(self):
        self.ping_nonce += 1
        nonce = (self.start["sessionID"] << 32) | self.ping_nonce if self.start else self.ping_nonce
        self.outstanding_pings.add(nonce)
        self.lobby.send(msg_ping(nonce))

    # -- realtime receive
    def on_packet(self, data):
        if self.drop_every and len(data) >= HEADER_SIZE + 4 and data[3] == PT_SNAPSHOT:
            tick = struct.unpack(">I", data[HEADER_SIZE:HEADER_SIZE + 4])[0]
            self.snapshot_arrivals += 1
            if self.snapshot_arrivals % self.drop_every == 0 and tick < self.start["durationTicks"]:
                wire = struct.unpack(">H", data[8:10])[0]
                self.snapshots_dropped.append(reconstruct_sequence(self.rt.highest, wire))
                return                   # lost on the way down: never opened, never acked
        before = self.rt.drops.get("badTag", 0)
        got = self.rt.receive(data)
        if self.rt.drops.get("badTag", 0) != before:
            self.tag_failures += 1
        if got is None:
            return
        ptype, payload = got
        if ptype == PT_SNAPSHOT:
            self.snapshots_received += 1
            self.on_snapshot(payload)
        elif ptype == PT_DISCONNECT:
            self.disconnect_reason = payload[0]
        elif ptype == PT_KEEPALIVE:
            pass
        elif ptype == PT_CHALLENGE:
            # 2.2: echo the token from this socket, or no snapshot ever comes here.
            self.challenges += 1
            self.send_packet(self.rt.seal(PT_RESPONSE, payload))
        else:
            raise ProtocolError(f"{self.label}: server sent realtime packet type {ptype}")

    def on_snapshot(self, payload):
        try:
            header, state, kind = decode_snapshot(payload, self.ring, self.final_tick, self.input_seq)
        except MissingBaseline:
            self.missing_baselines += 1
            self.decode_errors += 1
            return
        except ProtocolError as e:
            self.decode_errors += 1
            print(f"{self.label}: undecodable snapshot: {e}", file=sys.stderr)
            return
        tick = header["tick"]
        unknown = set(state["players"]) - self.roster_ids
        if unknown:
            raise ProtocolError(f"{self.label}: snapshot tick {tick} names players {sorted(unknown)} "
                                f"missing from the roster")
        self.last_processed_input = max(self.last_processed_input, header["inputSequence"])
        if header["inputSequence"] > self.input_seq:
            raise ProtocolError(f"{self.label}: snapshot claims input {header['inputSequence']} "
                                f"processed, newest sent is {self.input_seq}")
        if tick > self.start["durationTicks"]:
            raise ProtocolError(f"{self.label}: snapshot tick {tick} beyond durationTicks")
        if kind == "full":
            self.decoded_full += 1
        else:
            self.decoded_delta += 1
            self.max_baseline_offset = max(self.max_baseline_offset, header["baselineOffset"])
        self.ring[tick] = state
        while len(self.ring) > SNAPSHOT_RING:
            del self.ring[min(self.ring)]
        if self.final_tick is None or tick > self.final_tick:
            self.final_tick = tick

    def loss_figures(self):
        """The loss figures of 2.1.4 this client computes, and the ones the server must store for it."""
        down = self.rt.loss_remote_to_local()
        up = self.rt.loss_local_to_remote()
        up_limit = up[1]
        # The server settles our packets below its newest accepted (its last packets' ack) minus 32.
        # Every packet we sent arrives in order on loopback and is accepted inside its window, so what
        # it counts lost there are exactly the packets we never sent. (Our own figure may be higher: a
        # server that stalls for more than 33 of our packets cannot ack them all.)
        skipped_settled = sum(1 for s in self.inputs_skipped if s < up_limit)
        # The server settles its packets below the newest one our packets acked minus 32; the newest
        # of our packets it used carried input `last_processed_input`. It counts as delivered exactly
        # what the acks of our packets up to that one named.
        server_down = (0, 0) if self.last_processed_input == 0 else None   # none used: no ack seen
        if self.last_processed_input in self.acked_with_input:
            acked = self.acked_with_input[self.last_processed_input]
            limit = max(0, max(acked) - ACK_BITS) if acked else 0
            delivered = sum(1 for s in acked if s < limit)
            server_down = (limit - delivered, limit)
        dropped_settled = sum(1 for s in self.snapshots_dropped if s < down[1])
        return {
            "down": {"lost": down[0], "settled": down[1], "dropped_on_purpose": dropped_settled},
            "up": {"lost": up[0], "settled": up[1], "skipped_on_purpose": skipped_settled,
                   "skipped_acked": len(set(self.inputs_skipped) & self.rt.acked)},
            "server_loss_up": ratio((skipped_settled, up_limit)),
            "server_loss_down": None if server_down is None else ratio(server_down),
            "server_loss_down_unknown": server_down is None,
        }

    def own_position(self):
        if self.final_tick is None:
            return None
        p = self.ring[self.final_tick]["players"].get(self.start["playerID"])
        if p is None:
            return None
        w, h = self.start["arenaWidth"], self.start["arenaHeight"]
        return [round(p[0] / 65535 * w, 4), round(p[1] / 65535 * h, 4)]

    # -- lobby during play
    def on_lobby_message(self, t, m):
        if t == S_REALTIME:
            if self.start["transport"] != TRANSPORT_TCP:
                raise ProtocolError(f"{self.label}: realtime frame in a udp match")
            self.on_packet(m["packet"])
        elif t == S_MATCH_ENDED:
            if m["matchID"] != self.start["matchID"]:
                raise ProtocolError(f"{self.label}: matchEnded for match {m['matchID']}, "
                                    f"playing {self.start['matchID']}")
            self.ended = m
        elif t == S_PONG:
            if m["nonce"] not in self.outstanding_pings:
                raise ProtocolError(f"{self.label}: pong with unknown nonce {m['nonce']}")
            self.outstanding_pings.discard(m["nonce"])
            self.pongs += 1
        elif t in (S_ROOM_STATE, S_CHAT_MESSAGE):
            if self.lobby.trace:
                self.lobby.trace(f"{self.label}: during play 0x{t:02X} {m}")
        elif t == S_ERROR:
            raise ServerError(f"{self.label}: error {m['code']} "
                              f"({ERROR_NAMES.get(m['code'], '?')}): {m['message']}")
        elif t == S_GOING_AWAY:
            raise ServerError(f"{self.label}: goingAway: {m['reason']}")
        else:
            raise ProtocolError(f"{self.label}: unexpected lobby message 0x{t:02X} during the match")


# ---------------------------------------------------------------- flow ---

def log(args, *parts):
    if args.verbose:
        print(*parts, file=sys.stderr)


def log_in(args, player, password):
    lobby = player.lobby
    lobby.send(msg_hello("independent-client/1"))
    _, welcome = lobby.expect({S_WELCOME})
    if welcome["version"] != PROTOCOL_VERSION:
        raise ProtocolError(f"welcome version {welcome['version']}")
    lobby.max_frame = welcome["maximumFrameSize"]
    log(args, f"{player.label}: welcome {welcome}")
    lobby.send(msg_register(player.name, password))
    t, m = lobby.expect({S_LOGGED_IN}, allow_errors=(ERR_NAME_TAKEN,))
    if t == S_ERROR:
        log(args, f"{player.label}: {player.name} taken, logging in")
        lobby.send(msg_login(player.name, password))
        t, m = lobby.expect({S_LOGGED_IN})
    if m["name"].lower() != player.name.lower():
        raise ProtocolError(f"{player.label}: loggedIn as {m['name']}, asked for {player.name}")
    player.account_id = m["accountID"]
    log(args, f"{player.label}: loggedIn {m}")


def wait_room_state(lobby, predicate):
    while True:
        _, m = lobby.expect({S_ROOM_STATE})
        if predicate(m):
            return m


def run(args):
    deadline = time.monotonic() + args.timeout
    transport = TRANSPORT_UDP if args.transport == "udp" else TRANSPORT_TCP
    password = "interop-password"
    a = Player("a", args.prefix + "a", Lobby("a", args.host, args.port, deadline))
    b = Player("b", args.prefix + "b", Lobby("b", args.host, args.port, deadline))
    players = [a, b]
    if args.verbose:
        for p in players:
            p.lobby.trace = lambda text: print(text, file=sys.stderr)
    for p in players:
        log_in(args, p, password)

    # room: a creates, b joins, both ready
    a.lobby.send(msg_create_room(args.prefix + "room", 2, transport))
    state = wait_room_state(a.lobby, lambda m: any(x["accountID"] == a.account_id for x in m["members"]))
    room = state["room"]
    if room["transport"] != transport or room["maxPlayers"] != 2:
        raise ProtocolError(f"room created as {room}, asked for transport {transport}, 2 players")
    log(args, f"room {room}")
    b.lobby.send(msg_join_room(room["roomID"]))
    wait_room_state(b.lobby, lambda m: len(m["members"]) == 2)
    wait_room_state(a.lobby, lambda m: len(m["members"]) == 2)
    a.lobby.send(msg_set_ready(True))
    b.lobby.send(msg_set_ready(True))
    for p in players:
        _, p.start = p.lobby.expect({S_MATCH_STARTING})
        log(args, f"{p.label}: matchStarting " + json.dumps(
            {k: (v.hex() if isinstance(v, bytes) else v) for k, v in p.start.items()}))
    if a.start["matchID"] != b.start["matchID"]:
        raise ProtocolError("the two players got different match ids")
    if a.start["playerID"] == b.start["playerID"] or a.start["sessionID"] == b.start["sessionID"]:
        raise ProtocolError("the two players share a player id or a session id")
    # 1.5: the roster names every player, in player id order; ids are 1, 2, ... in join order (a
    # created the room, b joined it).
    want_roster = [{"playerID": i + 1, "accountID": p.account_id, "name": p.name}
                   for i, p in enumerate(players)]
    for p in players:
        roster = [dict(e, name=e["name"].lower()) for e in p.start["roster"]]
        if roster != [dict(e, name=e["name"].lower()) for e in want_roster]:
            raise ProtocolError(f"{p.label}: roster {p.start['roster']}, expected {want_roster}")
        if p.start["playerID"] != players.index(p) + 1:
            raise ProtocolError(f"{p.label}: player id {p.start['playerID']}, joined as number {players.index(p) + 1}")
        p.roster_ids = {e["playerID"] for e in p.start["roster"]}
        p.drop_every = args.drop_snapshots
        p.skip_every = args.skip_inputs
    for p in players:
        if p.start["transport"] != transport:
            raise ProtocolError(f"{p.label}: match transport {p.start['transport']}, room asked {transport}")
        if p.start["tickRate"] == 0 or p.start["snapshotInterval"] == 0:
            raise ProtocolError(f"{p.label}: tickRate/snapshotInterval of 0")
        p.rt = RealtimeConnection(p.start["sessionID"], p.start["sessionKey"])
        if transport == TRANSPORT_UDP:
            p.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            p.udp.bind(("127.0.0.1" if args.host in ("127.0.0.1", "localhost") else "", 0))
            p.udp.setblocking(False)
            p.udp_addr = (args.host, p.start["udpPort"])
        # play messages that arrived right behind matchStarting
        pending, p.lobby.inbox = p.lobby.inbox, []
        for t, m in pending:
            p.on_lobby_message(t, m)

    play(args, players, deadline)

    standings_a = a.ended["standings"]
    if standings_a != b.ended["standings"]:
        raise ProtocolError("the two players got different standings")
    ids = {a.start["playerID"], b.start["playerID"]}
    if {s["playerID"] for s in standings_a} != ids:
        raise ProtocolError(f"standings name players {[s['playerID'] for s in standings_a]}, expected {ids}")
    ranks = [s["rank"] for s in standings_a]
    if ranks != sorted(ranks):
        raise ProtocolError("standings not best rank first")
    names = {e["playerID"]: e["name"] for e in a.start["roster"]}
    for s in standings_a:      # the roster named the same players the standings do
        if names.get(s["playerID"]) != s["name"]:
            raise ProtocolError(f"standings name player {s['playerID']} {s['name']}, the roster "
                                f"{names.get(s['playerID'])}")
    for s in standings_a:      # standard competition ranking by score
        want = 1 + sum(1 for o in standings_a if o["score"] > s["score"])
        if s["rank"] != want:
            raise ProtocolError(f"standings: {s['name']} rank {s['rank']}, score ranking gives {want}")
    for p in players:          # the last snapshot of the match agrees with the stored result
        if p.final_tick == p.start["durationTicks"]:
            last = p.ring[p.final_tick]["players"]
            for s in standings_a:
                snap = last.get(s["playerID"])
                if snap is None or snap[2] != s["score"] or bool(snap[3] & 1) != s["connected"]:
                    raise ProtocolError(f"{p.label}: final snapshot {snap} disagrees with standings {s}")
    result = {
        "match_id": a.start["matchID"],
        "snapshots_received": [p.snapshots_received for p in players],
        "snapshots_decoded_full": [p.decoded_full for p in players],
        "snapshots_decoded_delta": [p.decoded_delta for p in players],
        "tag_failures": sum(p.tag_failures for p in players),
        "decode_errors": sum(p.decode_errors for p in players),
        "final_tick": [p.final_tick for p in players],
        "standings": [{"name": s["name"], "score": s["score"], "rank": s["rank"],
                       "connected": s["connected"]} for s in standings_a],
        "own_positions_last": [p.own_position() for p in players],
        "challenges": [p.challenges for p in players],
        "roster": [{"playerID": e["playerID"], "name": e["name"]} for e in a.start["roster"]],
        "loss": {p.name: p.loss_figures() for p in players},
    }
    for p in players:
        log(args, f"{p.label}: transport={args.transport} drops={p.rt.drops} accepted={p.rt.accepted} "
                  f"inputs_sent={p.input_seq} packets_sent={p.rt.next_sequence} acked={len(p.rt.acked)} "
                  f"srtt_ms={None if p.rt.srtt is None else round(p.rt.srtt * 1000, 2)} "
                  f"max_baseline_offset={p.max_baseline_offset} missing_baselines={p.missing_baselines} "
                  f"disconnect_reason={p.disconnect_reason} pongs={p.pongs}")
        p.lobby.sock.close()
        if p.udp:
            p.udp.close()
    if args.strict:
        problems = []
        if result["tag_failures"] or result["decode_errors"]:
            problems.append("tag failures or decode errors")
        if not all(result["snapshots_decoded_delta"]):
            problems.append("a player decoded no delta snapshot")
        if args.transport == "udp" and not all(result["challenges"]):
            problems.append("a udp player was never challenged before its snapshots")
        if args.transport == "tcp" and any(result["challenges"]):
            problems.append("a tcp player was challenged (paths exist only over udp)")
        for name, loss in result["loss"].items():
            # The server never acks a packet it never got, and every one we never sent counts lost.
            if loss["up"]["skipped_acked"]:
                problems.append(f"{name}: the server acked {loss['up']['skipped_acked']} packets never sent")
            if loss["up"]["lost"] < loss["up"]["skipped_on_purpose"]:
                problems.append(f"{name}: {loss['up']['lost']} of our packets unacked, fewer than the "
                                f"{loss['up']['skipped_on_purpose']} never sent")
            # Every snapshot dropped on purpose is lost; more only before the path was validated.
            if loss["down"]["lost"] < loss["down"]["dropped_on_purpose"]:
                problems.append(f"{name}: {loss['down']['lost']} snapshots lost, fewer than the "
                                f"{loss['down']['dropped_on_purpose']} dropped on purpose")
            if loss["server_loss_down_unknown"]:
                problems.append(f"{name}: the last snapshot's input was not one this client sent")
        if problems:
            print(json.dumps(result))
            raise ProtocolError("strict: " + "; ".join(problems))
    return result


def play(args, players, deadline):
    tick_rate = players[0].start["tickRate"]
    interval = 1.0 / tick_rate
    t0 = time.monotonic()
    next_input = t0
    next_ping = t0 + args.ping_interval
    for p in players:
        p.send_ping()
    while not all(p.ended for p in players):
        now = time.monotonic()
        if now >= deadline:
            missing = [p.label for p in players if not p.ended]
            raise Timeout(f"timed out before matchEnded reached {', '.join(missing)}")
        if now >= next_input:
            for i, p in enumerate(players):
                if p.disconnect_reason is None and not p.ended:
                    p.send_input(now - t0, i * math.pi)
            next_input += interval
            if next_input < now:            # fell behind: don't burst
                next_input = now + interval
        if now >= next_ping:
            for p in players:
                if not p.ended:
                    p.send_ping()
            next_ping = now + args.ping_interval
        socks = [p.lobby.sock for p in players] + [p.udp for p in players if p.udp]
        wait = max(0.0, min(next_input, next_ping, deadline) - time.monotonic())
        readable, _, _ = select.select(socks, [], [], wait)
        for p in players:
            if p.lobby.sock in readable:
                p.lobby.pump()
                pending, p.lobby.inbox = p.lobby.inbox, []
                for t, m in pending:
                    p.on_lobby_message(t, m)
            if p.udp is not None and p.udp in readable:
                while True:
                    try:
                        data, addr = p.udp.recvfrom(2048)
                    except BlockingIOError:
                        break
                    p.on_packet(data)


# ---------------------------------------------------------- self-check ---

def self_check():
    failures = []

    def check(name, got, want):
        if got != want:
            failures.append(f"{name}: got {got!r}, want {want!r}")

    # 1.7: hello for version 1 from client "ab"
    check("hello bytes", msg_hello("ab").hex(), "00000007" "01" "0001" "00026162")

    # 2.4: sealed input packet
    key = bytes(range(32))
    conn = RealtimeConnection(0x01020304, key)
    conn.next_sequence = 5                        # sequences 0...4 already sent
    for s in range(5):
        conn.sent[s] = 0.0
    server = RealtimeConnection(0x01020304, key)  # the server's view, to produce its packets 0, 1, 3
    server_packets = [server.seal(PT_KEEPALIVE, b"", now=0.0) for _ in range(4)]
    for s in (0, 1, 3):
        if conn.receive(server_packets[s], now=0.0) is None:
            failures.append(f"server packet {s} not accepted: {conn.drops}")
    check("ack fields", conn.ack_fields(), (3, 6))
    payload = encode_input_payload(42, [(0, 0, 0), (127, 0, 1), (-127, -127, 3)])
    packet = conn.seal(PT_INPUT, payload, now=0.0)
    want = ("21" "01020304" "0005" "0003" "00000006"
            "0000002a" "03" "000000" "7f0001" "818103"
            "8ba55c19977deb3f")
    check("sealed input packet", packet.hex(), want)
    check("sealed input length", len(packet), 35)
    # the receiving side (server view, highest accepted from the client: 4) accepts it
    server_rx = RealtimeConnection(0x01020304, key)
    server_rx.highest = 4
    server_rx.window = {0, 1, 2, 3, 4}
    got = server_rx.receive(packet, now=0.0)
    check("worked example authenticates", got, (PT_INPUT, payload))
    tampered = bytearray(packet)
    tampered[20] ^= 1
    server_rx2 = RealtimeConnection(0x01020304, key)
    server_rx2.highest = 4
    check("tampered packet rejected", server_rx2.receive(bytes(tampered)), None)
    check("tampered drop reason", server_rx2.drops, {"badTag": 1})
    # replayed after the 16-bit sequence wrapped: extended 65541 != 5 -> badTag
    server_rx3 = RealtimeConnection(0x01020304, key)
    server_rx3.highest = 65540
    check("wrapped replay rejected", server_rx3.receive(packet), None)
    check("wrapped replay reason", server_rx3.drops, {"badTag": 1})

    # 2.1.1 reconstruction
    check("recon first", reconstruct_sequence(None, 0), 0)
    check("recon wrap", reconstruct_sequence(65535, 0), 65536)
    check("recon late across wrap", reconstruct_sequence(65537, 65535), 65535)
    check("recon small", reconstruct_sequence(4, 5), 5)
    check("recon no negative", reconstruct_sequence(10, 65000), 65000)

    # 2.3.2.3 snapshot examples
    full = bytes.fromhex("0100aabbccdd000900" "02"
                         "01ffff0000000000" "0210002000000701" "01" "010203040506")
    header, state, kind = decode_snapshot(full, {})
    check("full header", header, {"tick": 256, "sendTime": 0xAABBCCDD, "inputSequence": 9, "baselineOffset": 0})
    check("full kind", kind, "full")
    check("full state", state, {"players": {1: [65535, 0, 0, 0], 2: [0x1000, 0x2000, 7, 1]},
                                "coins": {0x0102: [0x0304, 0x0506]}})
    delta = bytes.fromhex("0102000000010002" "82" "03"
                          "110105" "067ff8000008" "6f00010002000301"
                          "00" "010102")
    header, dstate, kind = decode_snapshot(delta, {256: state})
    check("delta header", header, {"tick": 258, "sendTime": 1, "inputSequence": 2, "baselineOffset": 2})
    check("delta kind", kind, "delta")
    check("delta state", dstate, {"players": {1: [0, 5, 0, 0], 2: [0x1000 + 2047, 0x2000 - 2048, 8, 1],
                                              9: [1, 2, 3, 1]}, "coins": {}})
    try:
        decode_snapshot(delta, {})
        failures.append("delta without baseline decoded")
    except MissingBaseline:
        pass
    try:
        decode_snapshot(full + b"\x00", {})
        failures.append("trailing byte accepted")
    except ProtocolError:
        pass
    # 2.3.2: the tick and the input restored across the 16-bit wrap
    check("tick across wrap", restore_tick(2, 0x1FFFE), 0x20002)
    check("reordered tick before wrap", restore_tick(0xFFFE, 0x20001), 0x1FFFE)
    check("input across wrap", restore_input(0xFFFF, 0x10003), 0xFFFF)
    check("input never after the newest sent", restore_input(4, 0x10003), 4)

    # 2.1.4 loss figures: 200 packets one way, each answered at once; 3, 10-12, 50, 120, 190 and 195
    # lost, 40 delivered after 80 (past its ack window), 100 after 110 (inside it). Below 199 - 32:
    # 7 lost of 167 settled, the same on both ends; 190 and 195 are still in the window.
    sender, receiver = RealtimeConnection(7, key), RealtimeConnection(7, key)
    held = {}
    for seq in range(200):
        packet = sender.seal(PT_KEEPALIVE, b"", now=float(seq))
        if seq in (3, 10, 11, 12, 50, 120, 190, 195):
            continue
        if seq in (40, 100):
            held[seq] = packet
            continue
        for late in [packet] + [held.pop(k) for k in [k for k in held if (k, seq) in ((40, 80), (100, 110))]]:
            receiver.receive(late, now=float(seq))
            sender.receive(receiver.seal(PT_KEEPALIVE, b"", now=float(seq)), now=float(seq))
    check("loss remote to local", receiver.loss_remote_to_local(), (7, 167))
    check("loss local to remote", sender.loss_local_to_remote(), (7, 167))

    if failures:
        for f in failures:
            print("self-check FAILED: " + f, file=sys.stderr)
        return 1
    print("self-check ok: hello bytes, sealed input packet and tag, sequence reconstruction, "
          "full and delta snapshot examples, loss figures", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- main ---

def main(argv=None):
    ap = argparse.ArgumentParser(description="Independent netcode protocol client (two players, one match).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, help="TCP lobby port (required unless --self-check)")
    ap.add_argument("--transport", choices=("udp", "tcp"), default="udp")
    ap.add_argument("--prefix", default="interop_", help="account name prefix; 'a' and 'b' are appended")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds for the whole run")
    ap.add_argument("--ping-interval", type=float, default=5.0)
    ap.add_argument("--strict", action="store_true",
                    help="also exit 1 on tag failures, decode errors or when no delta was decoded")
    ap.add_argument("--drop-snapshots", type=int, default=0, metavar="N",
                    help="drop every Nth snapshot that arrives, before opening it (0: none)")
    ap.add_argument("--skip-inputs", type=int, default=0, metavar="N",
                    help="seal but never send every Nth input packet (0: none)")
    ap.add_argument("--verbose", action="store_true", help="progress and statistics on stderr")
    ap.add_argument("--self-check", action="store_true", help="check the document's worked examples and exit")
    args = ap.parse_args(argv)
    if args.self_check:
        return self_check()
    if args.port is None:
        ap.error("--port is required")
    if not 3 <= len(args.prefix) + 1 <= 24:
        ap.error("--prefix must leave account names of 3 to 24 characters")
    try:
        result = run(args)
    except (ProtocolError, ServerError, Timeout, OSError) as e:
        kind = {ProtocolError: "protocol error", ServerError: "server error", Timeout: "timeout"}.get(type(e), "error")
        print(f"{kind}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

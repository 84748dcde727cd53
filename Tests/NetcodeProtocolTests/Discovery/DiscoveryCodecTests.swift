import Testing

@testable import NetcodeProtocol

@Suite struct DiscoveryCodecTests {
    @Test func aProbeIsPaddedAndReadsBack() throws {
        let bytes = DiscoveryProbe(nonce: 0x0102_0304_0506_0708).encoded()
        #expect(bytes.count == DiscoveryProbe.size)
        #expect(Array(bytes[0..<4]) == Array("NCDQ".utf8))
        #expect(Array(bytes[6..<14]) == [1, 2, 3, 4, 5, 6, 7, 8], "the nonce is big-endian")
        #expect(bytes[14...].allSatisfy { $0 == 0 })
        #expect(try DiscoveryProbe(decoding: bytes).nonce == 0x0102_0304_0506_0708)
    }

    @Test func shortProbesAreRefusedSoAnswersCannotAmplify() {
        let bytes = DiscoveryProbe(nonce: 9).encoded()
        #expect(throws: DiscoveryError.probeTooShort(255)) { try DiscoveryProbe(decoding: bytes.dropLast()) }
        #expect(throws: DiscoveryError.probeTooShort(14)) { try DiscoveryProbe(decoding: bytes.prefix(14)) }
        var foreign = bytes
        foreign[0] = UInt8(ascii: "X")
        #expect(throws: DiscoveryError.notDiscovery) { try DiscoveryProbe(decoding: foreign) }
        var future = bytes
        future[4] = 2
        #expect(throws: DiscoveryError.unsupportedVersion(2)) { try DiscoveryProbe(decoding: future) }
    }

    @Test func anAnswerRoundTripsAndIsNeverLargerThanAProbe() throws {
        let answer = DiscoveryAnswer(nonce: 42, protocolVersion: lobbyProtocolVersion, tcpPort: 7777, udpPort: 7778, players: 12, name: "living room")
        let bytes = answer.encoded()
        #expect(bytes.count == 23 + 11)
        #expect(try DiscoveryAnswer(decoding: bytes) == answer)
        #expect(throws: DiscoveryError.truncated(bytes.count - 1)) { try DiscoveryAnswer(decoding: bytes.dropLast()) }

        // The longest name is cut at a character boundary and the answer stays under the probe's size.
        let long = DiscoveryAnswer(nonce: 1, protocolVersion: 1, tcpPort: 1, udpPort: 2, players: 3, name: String(repeating: "é", count: 300))
        let longBytes = long.encoded()
        #expect(longBytes.count <= DiscoveryAnswer.maximumSize)
        #expect(DiscoveryAnswer.maximumSize < DiscoveryProbe.size)
        let decoded = try DiscoveryAnswer(decoding: longBytes)
        #expect(decoded.name == String(repeating: "é", count: 100))
    }

    @Test func theExampleInTheProtocolDocumentIsWhatTheCodeSends() {
        let probe = DiscoveryProbe(nonce: 1).encoded()
        #expect(hex(Array(probe.prefix(14))) == "4e434451" + "01" + "00" + "0000000000000001")
        let answer = DiscoveryAnswer(nonce: 1, protocolVersion: 1, tcpPort: 7777, udpPort: 7778, players: 2, name: "blue room").encoded()
        #expect(hex(answer) == "4e434441" + "01" + "00" + "0000000000000001" + "0001" + "1e61" + "1e62" + "0002" + "09" + "626c756520726f6f6d")
        #expect(answer.count == 32)
    }

    func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

import Testing
@testable import MXGPLabUI

/// ``LabUIListen/isLoopback(_:)``: 127.0.0.0/8 as an IPv4 address, `::1` and `localhost`,
/// never a host name that merely starts with `127.`.
struct LabUIListenTests {
    @Test(arguments: [
        ("localhost", true), ("LocalHost", true), ("127.0.0.1", true), ("127.1.2.3", true), ("127.255.255.255", true),
        ("::1", true), ("0:0:0:0:0:0:0:1", true), ("::0:1", true), ("0::1", true),
        ("127.example.com", false), ("127.0.0.1.example.com", false), ("127.0.0", false), ("127.0.0.256", false),
        ("127.0.0.1a", false), ("127..0.1", false), ("128.0.0.1", false), ("10.0.0.1", false), ("0.0.0.0", false),
        ("::", false), ("::2", false), ("1::1", false), ("::1::", false), ("fe80::1", false), ("localhost.example", false), ("", false),
    ])
    func recognisesLoopback(host: String, loopback: Bool) {
        #expect(LabUIListen.isLoopback(host) == loopback, "\(host.debugDescription)")
    }

    @Test func aNameStartingWith127NeedsAllowRemote() throws {
        #expect(throws: LabUIError.self) { try LabUIListen.parse("127.example.com:8790", allowRemote: false) }
        #expect(try LabUIListen.parse("127.0.0.9:8790", allowRemote: false).warning == nil)
        #expect(try LabUIListen.parse("127.example.com:8790", allowRemote: true).warning != nil)
    }
}

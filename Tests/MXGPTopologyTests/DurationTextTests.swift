import Testing
import MXGPTopology

@Suite("Duration grammar")
struct DurationTextTests {
    @Test("every unit, decimals, bare seconds", arguments: [
        ("250ms", 250), ("2s", 2000), ("1.5s", 1500), ("1.001s", 1001), ("5m", 300_000), ("1h", 3_600_000),
        ("0.5h", 1_800_000), ("30", 30_000), (" 10S ", 10_000), ("0", 0),
    ] as [(String, Int64)])
    func valid(_ text: String, _ milliseconds: Int64) {
        #expect(DurationText.milliseconds(text) == milliseconds)
        #expect(DurationText.parse(text) == .milliseconds(milliseconds))
    }

    @Test("not durations", arguments: ["", "ms", "fast", "-1s", "1.5ms", ".5s", "5.s", "1e3s", "1 s", "1d", "1..2s", "9999999999s"])
    func invalid(_ text: String) {
        #expect(DurationText.milliseconds(text) == nil)
    }
}

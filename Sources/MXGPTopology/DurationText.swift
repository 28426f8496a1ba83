/// The one duration grammar of every YAML file mxgp reads (node configs, topology
/// impairments, scenarios; docs/NODE.md and docs/LABS.md describe it):
///
/// - a non-negative decimal number followed by a unit: `ms`, `s`, `m` or `h`
///   (`250ms`, `1.5s`, `2m`, `1h`);
/// - a number without a unit is seconds (`30` is `30s`);
/// - letters are case-insensitive and blanks around the text are ignored;
/// - the value must be a whole number of milliseconds (`1.5s` is fine, `1.5ms` is not).
///
/// Each file keeps its own range (a link delay is at most 60 s, a scenario wait at most an
/// hour, …) and says so in its error messages.
public enum DurationText {
    /// The units, longest suffix first, with their size in milliseconds.
    static let units: [(suffix: String, milliseconds: Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]

    /// The duration in whole milliseconds, or nil when `text` is not a duration.
    public static func milliseconds(_ text: String) -> Int64? {
        let lower = text.trimmedBlanks().lowercased()
        let unit = units.first { lower.hasSuffix($0.suffix) }
        let number = unit.map { lower.dropLast($0.suffix.count) } ?? Substring(lower)
        let scale = unit?.milliseconds ?? 1000
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        // Exact decimal arithmetic: 1.001s is 1001 ms, not 1000.9999….
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 9, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              let integer = Int64(whole) else { return nil }
        var milliseconds = integer * scale
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let digits = Int64(fraction) else { return nil }
            var divisor: Int64 = 1
            for _ in fraction { divisor *= 10 }
            guard (digits * scale) % divisor == 0 else { return nil }
            milliseconds += digits * scale / divisor
        }
        return milliseconds
    }

    /// The duration, or nil when `text` is not a duration.
    public static func parse(_ text: String) -> Duration? {
        milliseconds(text).map { .milliseconds($0) }
    }
}

import NIOCore

/// Constants of the MXGP message header: marker `MX` (2 bytes), length (4 bytes,
/// whole message including the header, big endian), type (1 byte).
public enum MXGPFraming {
    public static let marker: UInt16 = 0x4D58  // "MX"
    public static let headerLength = 7
    /// Default upper bound on a message (and so on decoder memory): 1 MiB.
    public static let defaultMaximumMessageSize = 1 << 20
    /// Smallest maximum a peer may announce.
    public static let minimumMaximumMessageSize = 4096
    /// Longest NOTIFICATION or REPORT text.
    public static let maximumTextLength = 1024
    /// Longest NEXT_HOP endpoint.
    public static let maximumNextHopLength = 255
    /// Longest OPERATOR_PATH.
    public static let maximumPathLength = 255
    /// Longest node name in OPEN.
    public static let maximumNodeNameLength = 63
    /// Longest Message-ID in REPORT.
    public static let maximumMessageIDLength = 998
}

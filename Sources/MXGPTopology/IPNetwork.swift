/// An IPv4 or IPv6 network in CIDR form (`10.0.0.0/8`, `::1/128`); host bits are zero.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The network address: 4 bytes for IPv4, 16 for IPv6.
    public let address: [UInt8]
    /// The prefix length: 0…32 for IPv4, 0…128 for IPv6.
    public let prefixLength: Int

    /// Parses `address/prefix` (a bare address is a single host); host bits are cleared.
    public init?(_ text: String) {
        guard case .success(let parsed) = IPNetwork.parse(text) else { return nil }
        self = parsed.network
    }

    /// Creates a network, clearing host bits; nil when the address is not 4 or 16 bytes or the prefix is too long.
    public init?(address: [UInt8], prefixLength: Int) {
        guard address.count == 4 || address.count == 16, (0...address.count * 8).contains(prefixLength) else { return nil }
        self.address = IPNetwork.masked(address, prefixLength)
        self.prefixLength = prefixLength
    }

    /// Why a text is not a network, in words for error messages.
    public struct ParseError: Error, Hashable, Sendable {
        /// What is wrong, for people.
        public var reason: String
    }

    /// Parses `address/prefix`, reporting whether host bits had to be cleared.
    public static func parse(_ raw: String) -> Result<(network: IPNetwork, hadHostBits: Bool), ParseError> {
        let text = raw.trimmedBlanks()
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = IPAddressText.bytes(String(parts[0])) else {
            return .failure(ParseError(reason: "\"\(parts[0])\" is not an IPv4 or IPv6 address"))
        }
        var prefix = bytes.count * 8
        if parts.count == 2 {
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(parts[1]), (0...prefix).contains(value) else {
                return .failure(ParseError(reason: "the prefix length \"\(parts[1])\" is not a number between 0 and \(prefix)"))
            }
            prefix = value
        }
        let network = IPNetwork(address: bytes, prefixLength: prefix)!
        return .success((network, network.address != bytes))
    }

    static func masked(_ bytes: [UInt8], _ prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = min(max(prefix - index * 8, 0), 8)
            return bits == 8 ? byte : byte & ~(UInt8(0xFF) >> bits)
        }
    }

    /// True when `address` (4 or 16 bytes) lies in this network.
    public func contains(_ address: [UInt8]) -> Bool {
        address.count == self.address.count && IPNetwork.masked(address, prefixLength) == self.address
    }

    /// `address/prefix` with the address in canonical form.
    public var description: String { "\(IPAddressText.text(address))/\(prefixLength)" }
}

import MXGPAdminAPI
import MXGPNode

/// A route in the JSON shape of DESIGN §8 (shared with the admin API).
public typealias RouteJSON = AdminRoute

/// Deterministic JSON for command output: sorted keys, pretty printed, no escaped slashes
/// (the same encoding as the admin API), without the trailing newline.
public enum JSONOutput {
    public static func render<T: Encodable>(_ value: T) throws -> String {
        String(try AdminJSON.encode(value).dropLast())
    }
}

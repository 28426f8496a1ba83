/// Session state names as BGP gives them, explained where people read them: "Active" does not
/// mean working, it means still trying (`mxgp ctl peers`, scenario reports).
public enum SessionStateText {
    /// The state with a few words on what it means: `Active (still trying)`; Established as it is.
    public static func explained(_ state: String) -> String {
        switch state.lowercased() {
        case "idle": return "\(state) (not trying now)"
        case "connect": return "\(state) (dialling)"
        case "active": return "\(state) (still trying)"
        case "opensent": return "\(state) (waiting for its OPEN)"
        case "openconfirm": return "\(state) (waiting for its KEEPALIVE)"
        default: return state
        }
    }
}

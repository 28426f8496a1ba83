import MXGPCLI

/// The `mxgp` executable: parse the command line and call the library.
@main
enum Entry {
    static func main() async {
        await MXGPCommand.main()
    }
}

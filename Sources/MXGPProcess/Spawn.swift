#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts child processes with `posix_spawn`: standard input, output and error as asked,
/// signal dispositions and mask reset to defaults, and no other inherited descriptor
/// (every descriptor above 2 is closed in the child, whatever its close-on-exec flag).
enum Spawn {
    /// Where one of the child's standard descriptors comes from.
    enum Source {
        /// Opened in the child: `/dev/null`, or a file (appended to, created 0644).
        case open(path: String, flags: Int32)
        /// A descriptor of this process, duplicated onto the standard one.
        case descriptor(Int32)
        /// Standard error only: the same as standard output.
        case standardOutput

        static let devNullRead = Source.open(path: "/dev/null", flags: O_RDONLY)
        static func append(_ path: String) -> Source { .open(path: path, flags: O_WRONLY | O_CREAT | O_APPEND) }
    }

    /// Starts `argv`; the first element is looked up in `PATH` unless it holds a `/`.
    /// Returns the child's pid, or the `errno` of the failure (missing executable, …).
    static func start(_ argv: [String], stdin: Source, stdout: Source, stderr: Source) -> Result<pid_t, SpawnError> {
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        for (target, source) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch source {
            case .open(let path, let flags): posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o644)
            case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .standardOutput: posix_spawn_file_actions_adddup2(&actions, 1, target)
            }
        }
        closeInheritedDescriptors(&actions)

        // Ignored signals survive exec (a CLI that ignores SIGTERM while it cleans up would
        // pass that on): every signal back to its default, nothing blocked.
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard code == 0 else { return .failure(SpawnError(executable: argv[0], code: code)) }
        return .success(pid)
    }

    #if canImport(Glibc)
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np` (declared only with _GNU_SOURCE).
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let addCloseFrom = addCloseFrom, addCloseFrom(&actions, 3) == 0 { return }
        // Older glibc: close each descriptor open now (one closed meanwhile is ignored).
        for fd in openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    }
    #else
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t?) {
        for fd in openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    }
    #endif

    /// The descriptors this process has open (`/proc/self/fd`, `/dev/fd` elsewhere).
    private static func openDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") ?? opendir("/dev/fd") else { return [] }
        defer { closedir(directory) }
        let own = dirfd(directory)
        var result: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let fd = Int32(name), fd != own { result.append(fd) }
        }
        return result
    }
}

/// A process that could not be started.
public struct SpawnError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The program asked for.
    public var executable: String
    /// The `errno` value `posix_spawn` returned.
    public var code: Int32

    public var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
}

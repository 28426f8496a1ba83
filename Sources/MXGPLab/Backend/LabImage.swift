import Foundation

/// Where the image of a container lab (compose, swarm) comes from.
public enum LabImageSource: String, CaseIterable, Sendable, Codable {
    /// The `mxgp` this command runs, built on this host, copied with the Swift runtime libraries
    /// it needs onto a Debian base image (`compose/Dockerfile.host`): a developer's lab runs
    /// exactly their build, and nothing has to be pulled from a registry.
    case host
    /// Compiled from the repository in a `swift:*` build stage (`compose/Dockerfile`): for hosts
    /// whose binary cannot run in a Linux container (Docker Desktop on macOS) and that can pull.
    case source

    /// `host` on Linux (the running binary can go into a Linux image), `source` elsewhere.
    public static var `default`: LabImageSource {
        #if os(Linux)
        return .host
        #else
        return .source
        #endif
    }
}

/// Builds the `mxgp:latest` image the nodes of container labs run, without a registry when
/// the source is ``LabImageSource/host``:
///
/// 1. the base image ``baseImage`` (a local tag of the project's, never an official name):
///    kept when present and labelled with ``basePackages``; else `debian:bookworm-slim` is pulled and given the lab packages; where
///    nothing can be pulled, it is made with `debootstrap --variant=minbase` and `docker import`;
/// 2. a build context with the running `mxgp`, the toolchain libraries `ldd` lists for it
///    (outside the system's library folders), `entrypoint-lib.sh` and `Dockerfile.host`;
/// 3. `docker build`, labelled with a fingerprint of the binary and those files, so the image is
///    rebuilt only when one of them changed.
public struct LabImageBuilder: Sendable {
    /// The image every node runs.
    public static let image = "mxgp:latest"
    /// The base of host-built images.
    public static let baseImage = "mxgp-lab-base:bookworm"
    /// The label holding the fingerprint of what the image was built from.
    public static let fingerprintLabel = "org.mxgp.fingerprint"
    /// Debian packages the lab nodes need at run time: `ip`/`tc`, `iptables`, SQLite, `ps`, and
    /// Postfix for nodes with `mta: postfix` (a private instance each; the system one never runs).
    public static let basePackages = ["iproute2", "iptables", "libsqlite3-0", "procps", "ca-certificates", "postfix"]
    /// The label of the base image that lists the packages it was made with: a base made with
    /// another list (an older mxgp's) is made again.
    public static let packagesLabel = "org.mxgp.base-packages"
    /// ``basePackages`` as the label, debootstrap's `--include` and the fingerprint write it.
    static let packageList = basePackages.joined(separator: ",")

    /// The `mxgp` executable to put in the image.
    public var binary: String
    /// The compose folder: `Dockerfile`, `Dockerfile.host`, `entrypoint-lib.sh`.
    public var composeRoot: String
    public var runner: any CommandRunner

    public init(binary: String, composeRoot: String, runner: any CommandRunner) {
        self.binary = binary
        self.composeRoot = composeRoot
        self.runner = runner
    }

    /// What ``ensure(_:progress:)`` did.
    public struct Outcome: Sendable {
        /// False when the image was already built from the same files.
        public var built: Bool
        /// How long building took (zero when nothing was built).
        public var duration: Duration
    }

    /// Makes sure ``image`` is built from `source` (rebuilding a host image only when the binary
    /// or the files it is made from changed).
    public func ensure(_ source: LabImageSource, progress: @Sendable (String) -> Void) async throws -> Outcome {
        let started = ContinuousClock.now
        switch source {
        case .source:
            let repository = URL(fileURLWithPath: composeRoot).deletingLastPathComponent().path
            progress("building \(Self.image) from source (compose/Dockerfile; pulls swift:6.3-bookworm; the first build takes many minutes)")
            try await runner.check(["docker", "build", "-t", Self.image, "-f", "\(composeRoot)/Dockerfile", repository], timeout: .seconds(3600))
        case .host:
            let fingerprint = try fingerprint()
            let current = await runner.run(["docker", "image", "inspect", "--format", "{{index .Config.Labels \"\(Self.fingerprintLabel)\"}}", Self.image],
                                           timeout: .seconds(20))
            if current.succeeded, current.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == fingerprint {
                return Outcome(built: false, duration: .zero)
            }
            try await ensureBase(progress: progress)
            progress("building \(Self.image) from \(binary) on \(Self.baseImage)")
            let context = NSTemporaryDirectory() + "mxgp-image-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            defer { try? FileManager.default.removeItem(atPath: context) }
            try await stage(context)
            try await runner.check(["docker", "build", "--label", "\(Self.fingerprintLabel)=\(fingerprint)", "--build-arg", "BASE_IMAGE=\(Self.baseImage)",
                                    "-t", Self.image, context], timeout: .seconds(600))
        }
        return Outcome(built: true, duration: ContinuousClock.now - started)
    }

    /// `docker image inspect` of the packages label (the image's name follows).
    static let basePackagesQuery = ["docker", "image", "inspect", "--format", "{{index .Config.Labels \"\(packagesLabel)\"}}"]

    /// The base image: kept when present and made with ``basePackages``, else pulled and
    /// dressed, else bootstrapped.
    func ensureBase(progress: @Sendable (String) -> Void) async throws {
        let label = await runner.run(Self.basePackagesQuery + [Self.baseImage], timeout: .seconds(20))
        if label.succeeded, label.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == Self.packageList { return }
        if label.succeeded { progress("\(Self.baseImage) was made with other packages than \(Self.packageList): making it again") }
        if await runner.run(["docker", "pull", "debian:bookworm-slim"], timeout: .seconds(120)).succeeded {
            progress("making \(Self.baseImage) from debian:bookworm-slim")
            let context = NSTemporaryDirectory() + "mxgp-base-\(getpid())"
            try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: context) }
            try """
                FROM debian:bookworm-slim
                RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \(Self.basePackages.joined(separator: " ")) && rm -rf /var/lib/apt/lists/*

                """.write(toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
            try await runner.check(["docker", "build", "--label", "\(Self.packagesLabel)=\(Self.packageList)", "-t", Self.baseImage, context], timeout: .seconds(900))
            return
        }
        guard await runner.run(["sh", "-c", "command -v debootstrap"], timeout: .seconds(5)).succeeded else {
            throw LabError("the base image \(Self.baseImage) is missing, debian:bookworm-slim cannot be pulled, and debootstrap is not installed to make one; install it (apt-get install -y debootstrap) and run again, or use --image-source source on a host that can pull")
        }
        progress("making \(Self.baseImage) with debootstrap (no registry answers; about 2 minutes, once)")
        let root = NSTemporaryDirectory() + "mxgp-debootstrap-\(getpid())"
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        try await runner.check(Self.debootstrap(root), timeout: .seconds(1800))
        try await runner.check(Self.importRoot(root), timeout: .seconds(600))
    }

    /// `debootstrap --variant=minbase --include=PACKAGES bookworm ROOT`.
    static func debootstrap(_ root: String) -> [String] {
        ["debootstrap", "--variant=minbase", "--include=\(packageList)", "bookworm", root]
    }

    /// Imports a bootstrapped folder as ``baseImage`` (without the downloaded packages),
    /// labelled with ``basePackages``.
    static func importRoot(_ root: String) -> [String] {
        ["sh", "-c", "tar -C \"$1\" --exclude='./var/cache/apt/archives/*.deb' --exclude='./var/lib/apt/lists/*' -c . | docker import --change \"$3\" - \"$2\"",
         "import", root, baseImage, "LABEL \(packagesLabel)=\(packageList)"]
    }

    /// Copies the binary, its toolchain libraries, the entrypoint library and `Dockerfile.host`
    /// into `context`.
    func stage(_ context: String) async throws {
        let fm = FileManager.default
        for file in ["entrypoint-lib.sh", "Dockerfile.host"] where !fm.fileExists(atPath: "\(composeRoot)/\(file)") {
            throw LabError("\(composeRoot)/\(file) does not exist: the image is made from the compose folder of the repository; run mxgp from the repository's top folder or pass --compose-dir REPOSITORY/compose")
        }
        try fm.createDirectory(atPath: context + "/lib", withIntermediateDirectories: true)
        try fm.copyItem(atPath: binary, toPath: context + "/mxgp")
        try fm.copyItem(atPath: composeRoot + "/entrypoint-lib.sh", toPath: context + "/entrypoint-lib.sh")
        try fm.copyItem(atPath: composeRoot + "/Dockerfile.host", toPath: context + "/Dockerfile")
        let docker = try await runner.check(["sh", "-c", "command -v docker"], timeout: .seconds(5)).trimmingCharacters(in: .whitespacesAndNewlines)
        try fm.copyItem(atPath: URL(fileURLWithPath: docker).resolvingSymlinksInPath().path, toPath: context + "/docker")
        let ldd = try await runner.check(["ldd", binary], timeout: .seconds(30))
        for library in Self.toolchainLibraries(ldd: ldd) {
            try fm.copyItem(atPath: library, toPath: context + "/lib/" + URL(fileURLWithPath: library).lastPathComponent)
        }
    }

    /// The libraries in `ldd` output that a Debian base does not have: those resolved outside
    /// `/lib`, `/lib64`, `/usr/lib` and `/usr/lib64` (the Swift runtime of the toolchain).
    static func toolchainLibraries(ldd: String) -> [String] {
        ldd.split(separator: "\n").compactMap { line -> String? in
            guard let arrow = line.range(of: "=> ") else { return nil }
            let path = line[arrow.upperBound...].split(separator: " ").first.map(String.init) ?? ""
            guard path.hasPrefix("/") else { return nil }
            let system = ["/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/"].contains { path.hasPrefix($0) }
            return system ? nil : path
        }
    }

    /// Size and modification time of the binary, and the bytes of the files the image is made
    /// from, hashed (FNV-1a 64): changes when any of them does.
    func fingerprint() throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: binary)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) { for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 } }
        mix("\(binary) \(size) \(modified) \(Self.packageList)".utf8)
        for file in ["entrypoint-lib.sh", "Dockerfile.host"] {
            mix((try? Data(contentsOf: URL(fileURLWithPath: "\(composeRoot)/\(file)"))) ?? Data())
        }
        return String(hash, radix: 16)
    }
}

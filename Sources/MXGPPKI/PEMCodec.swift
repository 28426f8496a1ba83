import Crypto
import Foundation
import SwiftASN1
import X509

/// Reading and writing certificates and keys as PEM text and files.
public enum PEMCodec {
    /// Parses one PEM certificate; `source` (a file name, say) names it in errors.
    public static func certificate(fromPEM pem: String, source: String) throws(PKIError) -> Certificate {
        try expectLabel("CERTIFICATE", in: pem, source: source, what: "certificate")
        return try pkiAttempt({ .invalidPEM(source: source, what: "certificate", reason: cleanReason($0)) }) {
            try Certificate(pemEncoded: pem)
        }
    }

    /// Parses every certificate in a PEM bundle, in order.
    public static func certificates(fromPEM pem: String, source: String) throws(PKIError) -> [Certificate] {
        let documents = try pkiAttempt({ .invalidPEM(source: source, what: "certificate", reason: cleanReason($0)) }) {
            try PEMDocument.parseMultiple(pemString: pem)
        }
        guard !documents.isEmpty else { throw .invalidPEM(source: source, what: "certificate", reason: "no PEM block found") }
        return try documents.map { document throws(PKIError) in
            try pkiAttempt({ .invalidPEM(source: source, what: "certificate", reason: cleanReason($0)) }) {
                try Certificate(pemDocument: document)
            }
        }
    }

    /// Parses a PEM private key (PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or RSA).
    public static func privateKey(fromPEM pem: String, source: String) throws(PKIError) -> Certificate.PrivateKey {
        try expectLabel("PRIVATE KEY", in: pem, source: source, what: "private key")
        return try pkiAttempt({ .invalidPEM(source: source, what: "private key", reason: cleanReason($0)) }) {
            try Certificate.PrivateKey(pemEncoded: pem)
        }
    }

    /// The label of the first `-----BEGIN <label>-----` line, or nil.
    static func firstLabel(in pem: String) -> String? {
        guard let begin = pem.range(of: "-----BEGIN ") else { return nil }
        guard let end = pem[begin.upperBound...].range(of: "-----") else { return nil }
        return String(pem[begin.upperBound..<end.lowerBound])
    }

    /// Checks that the first PEM block's label ends with `suffix` (so `EC PRIVATE KEY` passes for keys).
    static func expectLabel(_ suffix: String, in pem: String, source: String, what: String) throws(PKIError) {
        guard let label = firstLabel(in: pem) else {
            throw .invalidPEM(source: source, what: what, reason: "no -----BEGIN \(suffix)----- block found")
        }
        guard label.hasSuffix(suffix) else {
            throw .invalidPEM(source: source, what: what, reason: "it holds a \"\(label)\" block, not a \(suffix)")
        }
    }

    /// An error text from swift-asn1 / swift-certificates without its trailing `Module/File.swift:NN`.
    static func cleanReason(_ text: String) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false)
        if let last = words.last, last.contains(".swift:") { words.removeLast() }
        return words.joined(separator: " ")
    }

    /// The PEM text of `certificate`, ending with a newline.
    public static func pem(of certificate: Certificate) throws(PKIError) -> String {
        try pkiAttempt({ .signingFailed(what: "PEM encoding", reason: $0) }) {
            try certificate.serializeAsPEM().pemString + "\n"
        }
    }

    /// The DER bytes of `certificate`.
    public static func der(of certificate: Certificate) throws(PKIError) -> [UInt8] {
        try pkiAttempt({ .signingFailed(what: "DER encoding", reason: $0) }) {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        }
    }

    /// Parses a PEM certificate and returns its DER bytes.
    public static func der(fromPEM pem: String, source: String) throws(PKIError) -> [UInt8] {
        try der(of: certificate(fromPEM: pem, source: source))
    }
}

/// Files: reading text, writing certificates (0644) and private keys (0600).
public enum PKIFiles {
    /// POSIX mode for certificate files.
    public static let certificateMode: Int = 0o644
    /// POSIX mode for private key files: readable by the owner only.
    public static let privateKeyMode: Int = 0o600

    /// Reads a text file; `missingHint` says what to do when it does not exist.
    public static func read(_ path: String, missingHint: String = "check the path") throws(PKIError) -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileMissing(path: path, hint: missingHint) }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: reason(error))
        }
    }

    /// Reads a PEM certificate file.
    public static func readCertificate(_ path: String, missingHint: String = "check the path") throws(PKIError) -> Certificate {
        try PEMCodec.certificate(fromPEM: read(path, missingHint: missingHint), source: path)
    }

    /// Writes `text` to `path` with POSIX `mode`, creating the parent directory if needed.
    ///
    /// The file is created with `mode` from the start (a key is never world-readable, not even
    /// briefly); an existing file is replaced only when `overwrite` is true.
    public static func write(_ text: String, to path: String, mode: Int, overwrite: Bool) throws(PKIError) {
        let url = URL(fileURLWithPath: path)
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard overwrite else { throw .wouldOverwrite(path: path) }
            do { try manager.removeItem(at: url) } catch { throw .unwritable(path: path, reason: reason(error)) }
        }
        do {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: path, reason: reason(error))
        }
        let created = manager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        guard created else { throw .unwritable(path: path, reason: "the file could not be created") }
        // createFile honours the umask on some platforms; set the mode explicitly as well.
        do {
            try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        } catch {
            throw .unwritable(path: path, reason: reason(error))
        }
    }

    /// Writes a credential as `certificatePath` (0644) and `keyPath` (0600).
    public static func write(_ credential: PEMCredential, certificatePath: String, keyPath: String, overwrite: Bool) throws(PKIError) {
        if !overwrite {
            for path in [certificatePath, keyPath] where FileManager.default.fileExists(atPath: path) {
                throw .wouldOverwrite(path: path)
            }
        }
        try write(credential.privateKeyPEM, to: keyPath, mode: privateKeyMode, overwrite: overwrite)
        try write(credential.certificatePEM, to: certificatePath, mode: certificateMode, overwrite: overwrite)
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}

import Crypto
import Foundation
import MXGPPKI
import NIOCore
import NIOEmbedded
import NIOSSL
import Testing
import X509

/// `MXGPPKI`: the CA, the node certificate profile, operator extraction and the files.
@Suite struct PKITests {
    static let ca = try! CertificateAuthority.create(name: "Test CA")
    static let colo1 = try! CertificateAuthority(credential: ca)
        .issueNodeCertificate(nodeName: "colo1", operator: 64501, dnsNames: ["mx1.example.net"], ipAddresses: ["192.0.2.10", "2001:db8::10"])

    static func certificate(_ pem: String) throws -> Certificate { try Certificate(pemEncoded: pem) }

    // MARK: profile

    @Test func caProfile() throws {
        let ca = try Self.certificate(Self.ca.certificatePEM)
        #expect(ca.subject == ca.issuer)
        #expect("\(ca.subject)".contains("CN=Test CA"))
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let usage = try #require(try ca.extensions.keyUsage)
        #expect(usage.keyCertSign && usage.cRLSign && !usage.digitalSignature)
        #expect(try ca.extensions.subjectKeyIdentifier != nil)
        #expect(ca.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(Self.ca.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(operatorNumber(fromCertificate: ca) == nil)
    }

    @Test func nodeProfileNamesTheOperator() throws {
        let leaf = try Self.certificate(Self.colo1.certificatePEM)
        #expect(operatorNumber(fromCertificate: leaf) == 64501)
        let subject = "\(leaf.subject)"
        #expect(subject.contains("CN=colo1") && subject.contains("O=MXGP operator 64501"))
        #expect(leaf.issuer == (try Self.certificate(Self.ca.certificatePEM)).subject)
        let names = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(names.contains(.uniformResourceIdentifier("mxgp:operator:64501")))
        #expect(names.contains(.dnsName("colo1")) && names.contains(.dnsName("mx1.example.net")))
        let eku = try #require(try leaf.extensions.extendedKeyUsage)
        #expect(eku.contains(.serverAuth) && eku.contains(.clientAuth))
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try leaf.extensions.keyUsage?.digitalSignature == true)
        #expect(try leaf.extensions.authorityKeyIdentifier?.keyIdentifier
            == (try Self.certificate(Self.ca.certificatePEM)).extensions.subjectKeyIdentifier?.keyIdentifier)
        let summary = try CertificateSummary(leaf)
        #expect(summary.ipAddresses == ["192.0.2.10", "2001:db8::10"])
    }

    @Test func nodeCertificateNeverOutlivesItsCA() throws {
        let shortCA = try CertificateAuthority(credential: CertificateAuthority.create(name: "Short", validityDays: 10))
        let leaf = try Self.certificate(shortCA.issueNodeCertificate(nodeName: "n1", operator: 7, validityDays: 365).certificatePEM)
        #expect(leaf.notValidAfter <= shortCA.certificate.notValidAfter)
    }

    // MARK: verification with swift-certificates

    static func verify(_ leafPEM: String, against caPEM: String) async throws -> Bool {
        let root = try certificate(caPEM)
        var verifier = Verifier(rootCertificates: CertificateStore([root])) { RFC5280Policy() }
        let result = await verifier.validate(leaf: try certificate(leafPEM), intermediates: CertificateStore())
        if case .validCertificate = result { return true }
        return false
    }

    @Test func leafVerifiesAgainstItsCA() async throws {
        #expect(try await Self.verify(Self.colo1.certificatePEM, against: Self.ca.certificatePEM))
    }

    @Test func leafFromAnotherCAFailsVerification() async throws {
        let other = try CertificateAuthority(credential: CertificateAuthority.create(name: "Test CA"))
        let impostor = try other.issueNodeCertificate(nodeName: "colo1", operator: 64501)
        #expect(try await !Self.verify(impostor.certificatePEM, against: Self.ca.certificatePEM))
    }

    // MARK: operator extraction

    @Test func operatorFromDER() throws {
        let der = try PEMCodec.der(fromPEM: Self.colo1.certificatePEM, source: "colo1.pem")
        #expect(operatorNumber(fromCertificate: der) == 64501)
        #expect(OperatorIdentity.operatorNumber(fromCertificate: der) == 64501)
        #expect(operatorNumber(fromCertificate: [0x30, 0x03, 0x02, 0x01, 0x01]) == nil)
        #expect(operatorNumber(fromCertificate: [UInt8]()) == nil)
    }

    /// A certificate made without `mxgp pki`, with a DNS SAN and `extraURIs`.
    static func foreignCertificate(uris: [String]) throws -> Certificate {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName { CommonName("elsewhere") }
        let extensions = try Certificate.Extensions {
            SubjectAlternativeNames([.dnsName("elsewhere.example")] + uris.map { .uniformResourceIdentifier($0) })
        }
        return try Certificate(version: .v3, serialNumber: .init(), publicKey: key.publicKey, notValidBefore: Date(),
                               notValidAfter: Date() + 3600, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                               extensions: extensions, issuerPrivateKey: key)
    }

    @Test func certificateWithoutTheURIHasNoOperator() throws {
        #expect(operatorNumber(fromCertificate: try Self.foreignCertificate(uris: [])) == nil)
        #expect(operatorNumber(fromCertificate: try Self.foreignCertificate(uris: ["https://example.net/"])) == nil)
        #expect(operatorNumber(fromCertificate: try Self.foreignCertificate(uris: ["mxgp:operator:1", "mxgp:operator:2"])) == nil)
        #expect(operatorNumber(fromCertificate: try Self.foreignCertificate(uris: ["mxgp:operator:5", "mxgp:operator:5"])) == 5)
        #expect(operatorNumber(fromCertificate: try Self.foreignCertificate(uris: ["mxgp:operator:5", "mxgp:operator:x"])) == nil)
    }

    @Test(arguments: [
        ("mxgp:operator:64501", UInt32?.some(64501)), ("MXGP:operator:1", 1), ("mxgp:operator:4294967295", 4_294_967_295),
        ("mxgp:operator:0", nil), ("mxgp:operator:0123", nil), ("mxgp:operator:4294967296", nil), ("mxgp:operator:+5", nil),
        ("mxgp:operator:", nil), ("mxgp:operator:5 ", nil), ("mxgp:Operator:5", nil), ("https://example.net", nil),
    ])
    func operatorURIs(uri: String, expected: UInt32?) {
        #expect(OperatorIdentity.operatorNumber(fromURI: uri) == expected)
    }

    @Test func verifyPeerExplainsAMismatch() throws {
        let der = try PEMCodec.der(fromPEM: Self.colo1.certificatePEM, source: "colo1.pem")
        try OperatorIdentity.verifyPeer(certificateDER: der, claimedOperator: 64501)
        #expect {
            try OperatorIdentity.verifyPeer(certificateDER: der, claimedOperator: 64999)
        } throws: { error in
            let text = "\(error)"
            return text.contains("names operator 64501") && text.contains("claims operator 64999") && text.contains("CN=colo1")
        }
        let foreign = try PEMCodec.der(of: Self.foreignCertificate(uris: []))
        #expect(throws: PKIError.self) { try OperatorIdentity.verifyPeer(certificateDER: foreign, claimedOperator: 1) }
    }

    // MARK: bad input

    @Test func badInputsAreRefusedWithTheRule() throws {
        let ca = try CertificateAuthority(credential: Self.ca)
        let cases: [(() throws -> Void, String)] = [
            ({ _ = try ca.issueNodeCertificate(nodeName: "colo1", operator: 0) }, "operator \"0\""),
            ({ _ = try ca.issueNodeCertificate(nodeName: "Bad_Name", operator: 1) }, "node name \"Bad_Name\""),
            ({ _ = try ca.issueNodeCertificate(nodeName: "ca", operator: 1) }, "node name \"ca\""),
            ({ _ = try ca.issueNodeCertificate(nodeName: "n", operator: 1, dnsNames: ["-bad-.example"]) }, "DNS name"),
            ({ _ = try ca.issueNodeCertificate(nodeName: "n", operator: 1, ipAddresses: ["300.1.1.1"]) }, "IP address \"300.1.1.1\""),
            ({ _ = try ca.issueNodeCertificate(nodeName: "n", operator: 1, validityDays: 0) }, "between 1 and 36500 days"),
            ({ _ = try CertificateAuthority.create(name: "") }, "CA name"),
            ({ _ = try CertificateAuthority(credential: Self.colo1) }, "not a CA certificate"),
            ({ _ = try CertificateAuthority(credential: PEMCredential(certificatePEM: Self.ca.certificatePEM, privateKeyPEM: Self.colo1.privateKeyPEM)) }, "does not belong"),
            ({ _ = try CertificateAuthority(credential: PEMCredential(certificatePEM: "nonsense", privateKeyPEM: Self.ca.privateKeyPEM)) }, "valid PEM certificate"),
        ]
        for (body, message) in cases {
            #expect { try body() } throws: { error in error is PKIError && "\(error)".contains(message) }
        }
    }

    // MARK: files

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("mxgp-pki-\(UUID().uuidString)").path
    }

    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func directoryLayoutModesAndOverwriting() throws {
        let dir = PKIDirectory(path: Self.temporaryDirectory())
        defer { try? FileManager.default.removeItem(atPath: dir.path) }

        #expect { try dir.issue(node: "colo1", operator: 64501) } throws: { error in
            "\(error)".contains("ca.pem does not exist") && "\(error)".contains("init-ca")
        }
        try dir.initCA(name: "Lab CA")
        #expect(try Self.mode(dir.caKeyPath) == 0o600)
        #expect(try Self.mode(dir.caCertificatePath) == 0o644)
        #expect { try dir.initCA(name: "Lab CA") } throws: { error in "\(error)".contains("--force") }

        try dir.issue(node: "colo1", operator: 64501, ipAddresses: ["127.0.0.1"])
        #expect(try Self.mode(dir.keyPath(node: "colo1")) == 0o600)
        #expect { try dir.issue(node: "colo1", operator: 64501) } throws: { error in "\(error)".contains("colo1.pem already exists") }
        try dir.issue(node: "colo1", operator: 64502, overwrite: true)
        #expect(operatorNumber(fromCertificate: try PKIFiles.readCertificate(dir.certificatePath(node: "colo1"))) == 64502)
    }

    // MARK: show

    @Test func showSummarisesAGeneratedCertificate() throws {
        let summary = try CertificateSummary(pem: Self.colo1.certificatePEM, source: "colo1.pem")
        #expect(summary.operator == 64501)
        #expect(summary.dnsNames == ["colo1", "mx1.example.net"])
        #expect(summary.uris == ["mxgp:operator:64501"])
        #expect(summary.extendedKeyUsage == ["serverAuth", "clientAuth"])
        #expect(!summary.isCertificateAuthority)
        let text = summary.text
        #expect(text.contains("operator:           64501\n"))
        #expect(text.contains("IP addresses:       192.0.2.10, 2001:db8::10\n"))
        #expect(text.contains("subject:") && text.contains("CN=colo1"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as! [String: Any]
        #expect(json["operator"] as? Int == 64501)
        #expect(try CertificateSummary(pem: Self.ca.certificatePEM, source: "ca.pem").operator == nil)
        #expect { try CertificateSummary(pem: Self.colo1.privateKeyPEM, source: "colo1.key") } throws: { error in
            "\(error)" == "colo1.key does not hold a valid PEM certificate: it holds a \"PRIVATE KEY\" block, not a CERTIFICATE; use a file written by `mxgp pki`"
        }
        #expect(summary.serialNumber.split(separator: ":").allSatisfy { $0.count == 2 })
    }

    // MARK: swift-nio-ssl

    @Test func nioSSLLoadsTheGeneratedPEMs() throws {
        let certificate = try NIOSSLCertificate(bytes: Array(Self.colo1.certificatePEM.utf8), format: .pem)
        _ = try NIOSSLPrivateKey(bytes: Array(Self.colo1.privateKeyPEM.utf8), format: .pem)
        _ = try NIOSSLCertificate(bytes: Array(Self.ca.certificatePEM.utf8), format: .pem)
        _ = try NIOSSLPrivateKey(bytes: Array(Self.ca.privateKeyPEM.utf8), format: .pem)
        #expect(operatorNumber(fromCertificate: try certificate.toDERBytes()) == 64501)
    }

    /// Runs a TLS 1.3 mutual-auth handshake between two embedded channels; returns the operator
    /// each side reads from the other's certificate, or throws the handshake error.
    static func handshake(server: PEMCredential, client: PEMCredential, trustedCA: PEMCredential) throws -> (seenByServer: UInt32?, seenByClient: UInt32?) {
        func configure(_ configuration: inout TLSConfiguration, _ credential: PEMCredential) throws {
            configuration.minimumTLSVersion = .tlsv13
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(trustedCA.certificatePEM.utf8), format: .pem)])
            configuration.certificateChain = [.certificate(try NIOSSLCertificate(bytes: Array(credential.certificatePEM.utf8), format: .pem))]
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(credential.privateKeyPEM.utf8), format: .pem))
        }
        var serverConfiguration = TLSConfiguration.makeServerConfiguration(certificateChain: [], privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(server.privateKeyPEM.utf8), format: .pem)))
        try configure(&serverConfiguration, server)
        var clientConfiguration = TLSConfiguration.makeClientConfiguration()
        try configure(&clientConfiguration, client)

        let serverChannel = EmbeddedChannel()
        let clientChannel = EmbeddedChannel()
        /// Moves bytes between the channels until neither has anything to send.
        func pump() throws {
            for _ in 0..<50 {
                serverChannel.embeddedEventLoop.run()
                clientChannel.embeddedEventLoop.run()
                var moved = false
                if let data = try clientChannel.readOutbound(as: IOData.self) { try serverChannel.writeInbound(data); moved = true }
                if let data = try serverChannel.readOutbound(as: IOData.self) { try clientChannel.writeInbound(data); moved = true }
                try serverChannel.throwIfErrorCaught()
                try clientChannel.throwIfErrorCaught()
                if !moved { return }
            }
        }
        defer {
            // A TLS close waits for the peer's close_notify: exchange it, then let the shutdown timeout pass.
            _ = serverChannel.close()
            _ = clientChannel.close()
            try? pump()
            serverChannel.embeddedEventLoop.advanceTime(by: .seconds(10))
            clientChannel.embeddedEventLoop.advanceTime(by: .seconds(10))
        }
        try serverChannel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: NIOSSLContext(configuration: serverConfiguration)))
        try clientChannel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: NIOSSLContext(configuration: clientConfiguration), serverHostname: nil))
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
        _ = serverChannel.connect(to: address)
        _ = clientChannel.connect(to: address)
        try pump()
        let seenByServer = try serverChannel.pipeline.syncOperations.nioSSL_peerCertificate().flatMap { try operatorNumber(fromCertificate: $0.toDERBytes()) }
        let seenByClient = try clientChannel.pipeline.syncOperations.nioSSL_peerCertificate().flatMap { try operatorNumber(fromCertificate: $0.toDERBytes()) }
        return (seenByServer, seenByClient)
    }

    @Test func mutualTLSHandshakeCarriesTheOperators() throws {
        let ca = try CertificateAuthority(credential: Self.ca)
        let colo2 = try ca.issueNodeCertificate(nodeName: "colo2", operator: 64502)
        let seen = try Self.handshake(server: colo2, client: Self.colo1, trustedCA: Self.ca)
        #expect(seen.seenByServer == 64501)
        #expect(seen.seenByClient == 64502)
    }

    @Test func mutualTLSRefusesAClientFromAnotherCA() throws {
        let ca = try CertificateAuthority(credential: Self.ca)
        let colo2 = try ca.issueNodeCertificate(nodeName: "colo2", operator: 64502)
        let other = try CertificateAuthority(credential: CertificateAuthority.create(name: "Other CA"))
        let impostor = try other.issueNodeCertificate(nodeName: "colo1", operator: 64501)
        #expect(throws: NIOSSLError.self) { _ = try Self.handshake(server: colo2, client: impostor, trustedCA: Self.ca) }
    }
}

import MXGPPKI

/// Reads the operator number a peer certificate names.
enum CertificateOperator {
    static func operatorNumber(fromDER der: [UInt8]) -> UInt32? {
        OperatorIdentity.operatorNumber(fromCertificate: der)
    }
}

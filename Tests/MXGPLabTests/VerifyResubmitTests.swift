import Testing
@testable import MXGPLab

/// Which `mxgp send` outputs the verifier treats as "refused for now, send again": the source's
/// `451 4.4.0` (no route right now) only; a lab's 421 tempfail, permanent refusals, timeouts and
/// acceptances are final.
@Suite struct VerifyResubmitTests {
    static let cases: [(output: String, refusal: String?)] = [
        ("<m-0@carol.example>  deferred  451 4.4.0 no route to alice.example right now; try again later  (not accepted: <p@alice.example>)\n0/1 accepted by 127.0.0.1:25\n",
         "451 4.4.0 no route to alice.example right now; try again later"),
        ("<m-0@carol.example>  deferred  421 4.7.0 colo1 is not taking mail right now (smtp-tempfail); try later  (not accepted: <p@alice.example>)\n0/1 accepted by 127.0.0.1:25\n",
         nil),
        ("<m-0@carol.example>  rejected  550 5.7.1 relaying denied\n0/1 accepted by 127.0.0.1:25\n", nil),
        ("<m-0@carol.example>  deferred  connection timed out\n0/1 accepted by 127.0.0.1:25\n", nil),
        ("<m-0@carol.example>  accepted  250 2.0.0 queued\n1/1 accepted by 127.0.0.1:25\n", nil),
        ("", nil),
    ]

    @Test(arguments: cases)
    func temporaryRefusal(output: String, refusal: String?) {
        #expect(LabVerifier.temporaryRefusal(output) == refusal)
    }
}

import Testing
@testable import MXGPCore

/// The decision in words: the losing step of a pair is the decision's own step, one row per step.
@Suite struct DecisionExplanationTests {
    @Test(arguments: decisionRows)
    func theWorseRouteLosesOnTheStepThatDecides(row: DecisionRow) {
        #expect(DecisionExplanation.losingStep(of: row.worse, against: row.better) == row.step)
        // The better route does not lose to the worse one.
        #expect(DecisionExplanation.losingStep(of: row.better, against: row.worse) == nil)
    }

    @Test func aFullTieHasNoLosingStep() {
        let a = cand(1, lp: 100, price: 1, path: [1, 2], op: 3)
        let b = cand(2, lp: 100, price: 1, path: [1, 2], op: 3)
        #expect(DecisionExplanation.losingStep(of: a, against: b) == nil)
    }

    @Test func valuesAndMeanings() {
        #expect(DecisionExplanation.value(on: .price, localPreference: 100, price: 5, path: [1], draining: false, own: false) == "5")
        #expect(DecisionExplanation.value(on: .pathLength, localPreference: 100, price: 5, path: [1, 2, 3], draining: false, own: false) == "3 operators")
        #expect(DecisionExplanation.value(on: .neighbourOperator, localPreference: 100, price: 5, path: [100, 2], draining: false, own: false) == "operator 100")
        #expect(DecisionExplanation.meaning(localPreference: 300).hasPrefix("learned from a customer"))
        #expect(DecisionExplanation.meaning(localPreference: 200).hasPrefix("learned from a peer"))
        #expect(DecisionExplanation.meaning(localPreference: 100).hasPrefix("learned from a provider"))
        #expect(DecisionExplanation.meaning(localPreference: ownRouteLocalPreference).hasPrefix("an own domain"))
        #expect(DecisionExplanation.meaning(localPreference: 150).contains("import policy"))
        #expect(DecisionExplanation.meaning(price: 0, own: false).contains("charges nothing"))
        // Every step and every refusal has words.
        for step in BestPathReason.allCases { #expect(!DecisionExplanation.rule(of: step).isEmpty && !DecisionExplanation.name(of: step).isEmpty) }
        #expect(DecisionExplanation.meaning(of: .otcLeak).contains("leak"))
    }
}

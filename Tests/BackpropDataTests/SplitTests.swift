import BackpropCore
import BackpropData
import Testing

@Suite struct SplitTests {
    @Test func stratifiedKeepsEachClassShare() {
        // 60 / 30 / 10 rows of classes 0, 1, 2, in blocks: a 20% split takes 12 / 6 / 2.
        let labels = Array(repeating: 0, count: 60) + Array(repeating: 1, count: 30) + Array(repeating: 2, count: 10)
        let (training, validation) = Dataset<Double>.splitIndices(count: 100, labels: labels, fraction: 0.2, seed: 3)
        #expect(validation.count == 20 && training.count == 80)
        #expect([0, 1, 2].map { c in validation.filter { labels[$0] == c }.count } == [12, 6, 2])
        #expect(Set(training).isDisjoint(with: validation) && Set(training + validation) == Set(0..<100))
        #expect(training == training.sorted() && validation == validation.sorted())
        // Seeded: the same seed gives the same rows, another seed others.
        #expect(Dataset<Double>.splitIndices(count: 100, labels: labels, fraction: 0.2, seed: 3).validation == validation)
        #expect(Dataset<Double>.splitIndices(count: 100, labels: labels, fraction: 0.2, seed: 4).validation != validation)
    }

    @Test func largestRemaindersKeepTheTotal() {
        // 3 classes of 5: 0.3 · 5 = 1.5 each, total round(4.5) = 5 → two classes give 2, one gives 1.
        let labels = (0..<15).map { $0 % 3 }
        let v = Dataset<Double>.splitIndices(count: 15, labels: labels, fraction: 0.3, seed: 0).validation
        #expect(v.count == 5)
        #expect([0, 1, 2].map { c in v.filter { labels[$0] == c }.count }.sorted() == [1, 2, 2])
    }

    @Test func everyClassKeepsATrainingRow() {
        // A class with a single row never goes to validation alone.
        let labels = [0, 0, 0, 0, 1]
        for seed in UInt64(0)..<20 {
            let (training, _) = Dataset<Double>.splitIndices(count: 5, labels: labels, fraction: 0.5, seed: seed)
            #expect(training.contains(4))
        }
    }

    @Test func unlabelledSplitIsPlainRandom() {
        let (training, validation) = Dataset<Double>.splitIndices(count: 10, labels: nil, fraction: 0.25, seed: 1)
        #expect(validation.count == 3 && training.count == 7)
        #expect(Dataset<Double>.splitIndices(count: 10, labels: nil, fraction: 0, seed: 1).validation.isEmpty)
    }
}

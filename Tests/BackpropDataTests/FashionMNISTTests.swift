import BackpropCore
import BackpropData
import Testing
import TestSupport

/// Debian's dataset-fashion-mnist, which `make deps` installs.
@Suite struct FashionMNISTTests {
    /// Where Debian installs the files (the runner's default for `dataset.directory`).
    static let debian = "/usr/share/datasets/fashion-mnist"

    @Test func loadsTheInstalledFiles() throws {
        let d: DataSplits<Float> = try FashionMNIST.load(directory: Self.debian, validation: 0.1, seed: 0, outputs: 10)
        #expect(d.training.count == 54_000 && d.validation!.count == 6_000 && d.test!.count == 10_000)
        #expect(d.training.features == 784 && d.training.outputs == 10)
        // Stratified: the training file has 6,000 of each class, so validation has 600 each.
        #expect((0..<10).allSatisfy { c in d.validation!.labels!.filter { $0 == c }.count == 600 })
        // Known answers from the IDX files (checked with Python's gzip + struct): the first test
        // image is an ankle boot (9) and its pixel sum is 33,456.
        #expect(d.test!.labels![0] == 9)
        #expect(d.test!.inputs.elements[0..<784].reduce(0, +) == 33_456)
        #expect(d.training.classNames![9] == "Ankle boot")
    }

    @Test func samplesTakeTheFirstImages() throws {
        let d: DataSplits<Double> = try FashionMNIST.load(directory: Self.debian, samples: 100, validation: 0, seed: 0, outputs: 10)
        #expect(d.training.count == 100 && d.validation == nil)
    }

    @Test func missingDirectoryNamesThePackage() {
        #expect(throws: DataError(file: "/nonexistent/train-labels-idx1-ubyte.gz",
                                  message: "not found (install Debian's dataset-fashion-mnist: `make deps`, or set \"directory\")")) {
            let _: DataSplits<Double> = try FashionMNIST.load(directory: "/nonexistent", validation: 0, seed: 0, outputs: 10)
        }
    }
}

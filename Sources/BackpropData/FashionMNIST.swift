import BackpropCore

/// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, https://github.com/zalandoresearch/fashion-mnist):
/// 60,000 training and 10,000 test images of 28x28 grey pixels (0-255) in 10 classes, as
/// IDX files, read from the folder the caller names (the runner knows where Debian's
/// `dataset-fashion-mnist` puts them).
public enum FashionMNIST {
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    public static let features = 784

    /// The training file's first `samples` images (all when nil), split into training and a
    /// stratified validation `fraction` (see `Dataset.splitIndices`), and the test set.
    /// Images are read straight into their set's storage in precision T: no set is ever held
    /// twice, and no copy is made in another precision.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public static func load<T: Scalar>(directory: String, samples: Int? = nil, validation fraction: Double,
                                       seed: UInt64, outputs: Int, as: T.Type = T.self) throws(DataError) -> DataSplits<T> {
        let train = try read(directory: directory, prefix: "train", samples: samples, validation: fraction, seed: seed, outputs: outputs, as: T.self)
        let test = try read(directory: directory, prefix: "t10k", samples: nil, validation: 0, seed: seed, outputs: outputs, as: T.self)
        return DataSplits(training: train.training, validation: train.validation, test: test.training)
    }

    /// `prefix`-images-idx3-ubyte and `prefix`-labels-idx1-ubyte, each gzip-compressed or plain.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    static func read<T: Scalar>(directory: String, prefix: String, samples: Int?, validation fraction: Double, seed: UInt64,
                                outputs: Int, as: T.Type) throws(DataError) -> (training: Dataset<T>, validation: Dataset<T>?) {
        let labelReader = try IDXReader(path: try path(directory, "\(prefix)-labels-idx1-ubyte"))
        let images = try IDXReader(path: try path(directory, "\(prefix)-images-idx3-ubyte"))
        var labels = try labelReader.labels()
        guard images.count == labels.count else {
            throw DataError(file: images.file.path, message: "\(images.count) images but \(labelReader.file.path) has \(labels.count) labels")
        }
        guard images.itemSize == features else {
            throw DataError(file: images.file.path, message: "images of \(images.dimensions.dropFirst().map(String.init).joined(separator: "x")) pixels; Fashion-MNIST's are 28x28")
        }
        if let bad = labels.firstIndex(where: { $0 >= classNames.count }) {
            throw DataError(file: labelReader.file.path, message: "label \(labels[bad]) of item \(bad + 1) is not a class 0-9")
        }
        let n = min(samples ?? labels.count, labels.count)
        labels.removeLast(labels.count - n)
        let (trainRows, validationRows) = Dataset<T>.splitIndices(count: n, labels: labels, fraction: fraction, seed: seed)
        // Where each image goes: (set, row), or nowhere past `samples`.
        var slot = [(set: Int, row: Int)?](repeating: nil, count: images.count)
        for (row, i) in trainRows.enumerated() { slot[i] = (0, row) }
        for (row, i) in validationRows.enumerated() { slot[i] = (1, row) }
        var trainInputs = Matrix<T>(rows: trainRows.count, columns: features)
        var validationInputs = Matrix<T>(rows: validationRows.count, columns: features)
        var failure: DataError?
        trainInputs.elements.withUnsafeMutableBufferPointer { t in
            validationInputs.elements.withUnsafeMutableBufferPointer { v in
                do throws(DataError) {
                    try images.readItems(as: T.self) { i in
                        guard let s = slot[i] else { return nil }
                        return (s.set == 0 ? t.baseAddress! : v.baseAddress!) + s.row * features
                    }
                } catch { failure = error }
            }
        }
        if let failure { throw failure }
        func dataset(_ inputs: Matrix<T>, _ rows: [Int]) -> Dataset<T> {
            Dataset(inputs: inputs, labels: rows.map { labels[$0] }, classes: classNames.count, outputs: outputs, classNames: classNames)
        }
        return (dataset(trainInputs, trainRows), validationRows.isEmpty ? nil : dataset(validationInputs, validationRows))
    }

    static func path(_ directory: String, _ name: String) throws(DataError) -> String {
        for candidate in ["\(directory)/\(name).gz", "\(directory)/\(name)"] where GzipFile.exists(candidate) { return candidate }
        throw DataError(file: "\(directory)/\(name).gz",
                        message: "not found (install Debian's dataset-fashion-mnist: `make deps`, or set \"directory\")")
    }
}

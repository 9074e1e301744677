import BackpropCore

/// A run's data in the precision it trains in, built once per sweep and shared read-only by
/// every run that uses it (copy-on-write storage, never written to, so never copied), with
/// the fingerprint that tells resume whether a run on disk was trained on the same rows.
public struct LoadedData: Sendable {
    public enum Splits: Sendable {
        case float64(DataSplits<Double>)
        case float32(DataSplits<Float>)
    }
    public let splits: Splits
    /// A 64-bit hash of every number, label and class name of every set, as trained on
    /// (after the split and normalisation): "fnv1a64:<16 hex digits>". For detecting a
    /// changed dataset, not a cryptographic digest.
    public let fingerprint: String

    public init(_ splits: Splits) {
        self.splits = splits
        switch splits {
        case let .float64(d): fingerprint = Self.fingerprint(d)
        case let .float32(d): fingerprint = Self.fingerprint(d)
        }
    }

    /// FNV-1a over 64-bit words of the sets' bytes, their shapes, labels and class names.
    static func fingerprint<T: Scalar>(_ d: DataSplits<T>) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ x: UInt64) { h = (h ^ x) &* 0x0000_0100_0000_01B3 }
        func mix<E>(_ elements: [E]) {
            mix(UInt64(elements.count))
            elements.withUnsafeBytes { raw in
                var i = 0
                while i + 8 <= raw.count { mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)); i += 8 }
                var tail: UInt64 = 0
                while i < raw.count { tail = tail << 8 | UInt64(raw[i]); i += 1 }
                mix(tail)
            }
        }
        for set in [d.training, d.validation, d.test] {
            guard let set else { mix(0); continue }
            mix(UInt64(set.features))
            mix(set.inputs.elements)
            mix(set.targets.elements)
            mix(set.labels ?? [])
            for name in set.classNames ?? [] { mix(Array(name.utf8)) }
        }
        return "fnv1a64:" + String(h, radix: 16).leftPad(16, with: "0")
    }

    public var features: Int {
        switch splits {
        case let .float64(d): d.training.features
        case let .float32(d): d.training.features
        }
    }

    public var trainingCount: Int {
        switch splits {
        case let .float64(d): d.training.count
        case let .float32(d): d.training.count
        }
    }

    public var validationCount: Int {
        switch splits {
        case let .float64(d): d.validation?.count ?? 0
        case let .float32(d): d.validation?.count ?? 0
        }
    }

    /// The training set in double precision, for `trace` and `gradcheck`, which work in it.
    public var trainingAsDouble: Dataset<Double> {
        switch splits {
        case let .float64(d): d.training
        case let .float32(d): d.training.converted()
        }
    }
}

extension SweepPlan {
    /// The datasets, built once per sweep: one per distinct (dataset spec, output width, loss,
    /// precision), shared read-only by every run. Also checks every run's shapes, so that
    /// nothing trains unless every configuration fits its data.
    public func buildData() throws -> [Int: LoadedData] {
        struct Key: Equatable {
            var dataset: DatasetSpec, outputs: Int, loss: Loss, precision: TrainingSpec.Precision
        }
        var built: [(key: Key, data: LoadedData)] = []
        var byRun = [Int: LoadedData]()
        for run in runs {
            let key = Key(dataset: run.spec.dataset, outputs: run.spec.model.layers.last!.units, loss: run.spec.loss,
                          precision: run.spec.training.precision)
            let data: LoadedData
            if let hit = built.first(where: { $0.key == key }) {
                data = hit.data
            } else {
                switch key.precision {
                case .float64: data = LoadedData(.float64(try key.dataset.build(as: Double.self, outputs: key.outputs, loss: key.loss, file: file)))
                case .float32: data = LoadedData(.float32(try key.dataset.build(as: Float.self, outputs: key.outputs, loss: key.loss, file: file)))
                }
                built.append((key, data))
            }
            try run.spec.checkShapes(features: data.features, outputs: key.outputs, rows: data.trainingCount, file: file)
            // Facts of the data the spec alone cannot show, checked before anything trains.
            if run.spec.training.earlyStopping != nil && data.validationCount == 0 {
                throw SpecError(file: file, path: "training.early_stopping", message: "the validation split holds no rows (each class keeps its rows for training when it has too few): "
                    + "early stopping has nothing to watch; use more data, a larger dataset.validation, or no early stopping")
            }
            byRun[run.index] = data
        }
        return byRun
    }
}

extension PlannedRun {
    /// How this run trains, from its spec and seed.
    public var trainingConfiguration: TrainingConfiguration {
        TrainingConfiguration(epochs: spec.training.epochs, batchSize: spec.training.batchSize, loss: spec.loss,
                              optimizer: spec.optimizer, seed: seed, earlyStopping: spec.training.earlyStopping,
                              diagnostics: spec.training.diagnostics)
    }
}

import BackpropCore
import BackpropData

/// A run's data in the precision it trains in, built once per sweep and shared read-only by
/// every run that uses it (copy-on-write storage, never written to, so never copied), with
/// the fingerprint that tells resume whether a run on disk was trained on the same rows.
public struct LoadedData: Sendable {
    /// The sets in the run's precision: `DataSplits<Double>` or `DataSplits<Float>`.
    public let splits: any TrainingData
    /// A 64-bit hash of every number, label and class name of every set, as trained on
    /// (after the split and normalisation): "fnv1a64:<16 hex digits>". For detecting a
    /// changed dataset, not a cryptographic digest.
    public let fingerprint: String

    public init(_ splits: some TrainingData) {
        self.splits = splits
        fingerprint = splits.fingerprint()
    }

    public var features: Int { splits.features }
    public var trainingCount: Int { splits.trainingCount }
    public var validationCount: Int { splits.validationCount }
    /// The training set in double precision, for `gradcheck` and the decision boundary.
    public var trainingAsDouble: Dataset<Double> { splits.trainingAsDouble }
}

extension SweepPlan {
    /// The datasets, built once per sweep: one per distinct (dataset spec, output width, loss,
    /// precision), shared read-only by every run. Also checks every run's shapes, so that
    /// nothing trains unless every configuration fits its data.
    /// - Parameter previous: the data of a plan this one grows (an adaptive search's last
    ///   batch): its runs keep theirs, checked already, and share them with new runs.
    public func buildData(reusing previous: [Int: LoadedData] = [:]) throws -> [Int: LoadedData] {
        struct Key: Equatable {
            var dataset: DatasetSpec, outputs: Int, loss: Loss, precision: TrainingSpec.Precision
        }
        func keyOf(_ run: PlannedRun) -> Key {
            Key(dataset: run.spec.dataset, outputs: run.spec.model.layers.last!.units, loss: run.spec.loss, precision: run.spec.training.precision)
        }
        var built: [(key: Key, data: LoadedData)] = []
        var byRun = [Int: LoadedData]()
        var reused = [PlannedRun]()
        for run in runs {
            if let data = previous[run.index] {
                byRun[run.index] = data
                reused.append(run)
                continue
            }
            let key = keyOf(run)
            let data: LoadedData
            if let hit = built.first(where: { $0.key == key }) {
                data = hit.data
            } else if let same = reused.first(where: { keyOf($0) == key }), let hit = byRun[same.index] {
                data = hit
                built.append((key, data))
            } else {
                // The one place the precision is chosen: from here on, runs, estimates, trace
                // and verify go through `TrainingData` without asking which it is.
                switch key.precision {
                case .float64: data = LoadedData(try key.dataset.build(as: Double.self, outputs: key.outputs, loss: key.loss, file: file))
                case .float32: data = LoadedData(try key.dataset.build(as: Float.self, outputs: key.outputs, loss: key.loss, file: file))
                }
                built.append((key, data))
            }
            try run.spec.checkShapes(features: data.features, outputs: key.outputs, rows: data.trainingCount, file: file)
            // Facts of the data the spec alone cannot show, checked before anything trains.
            if run.spec.training.earlyStopping != nil && data.validationCount == 0 {
                throw SpecError(file: file, path: "training.early_stopping", message: "the validation split holds no rows (each class keeps its rows for training when it has too few): "
                    + "early stopping has nothing to watch; use more data, a larger dataset.validation, or no early stopping")
            }
            if let metric = run.objective.metric {
                if (metric == .valLoss || metric == .valAccuracy) && data.validationCount == 0 {
                    throw SpecError(file: file, path: "objective.metric", message: "\(metric.rawValue) needs a validation split: set dataset.validation (a fraction such as 0.2)")
                }
                if (metric == .valAccuracy || metric == .trainAccuracy) && !data.splits.labelled {
                    throw SpecError(file: file, path: "objective.metric", message: "\(metric.rawValue) needs classification data; this dataset is a regression")
                }
            }
            byRun[run.index] = data
        }
        return byRun
    }
}

/// The loss and correct predictions of an epoch's forward passes, added up batch by batch,
/// weighted as if the whole epoch were one batch (see `Evaluation`).
struct BatchTally {
    let loss: Loss
    let rows: Int
    var total = 0.0
    var correct = 0
    var fromEvaluation: Evaluation? = nil

    init(loss: Loss, rows: Int) {
        self.loss = loss
        self.rows = rows
    }

    /// The batch just forwarded in `workspace`; `label(r)` is row r's class, nil without labels.
    @inline(__always)
    mutating func add<T: Scalar>(_ network: Network<T>, _ workspace: Workspace<T>, target: UnsafePointer<T>, rows batch: Int,
                                 label: (Int) -> Int?) {
        add(output: workspace.a[network.layers.count - 1], columns: network.outputs, target: target, rows: batch, label: label)
    }

    /// The batch whose network outputs are `output`: (rows, columns).
    @inline(__always)
    mutating func add<T: Scalar>(output: UnsafePointer<T>, columns k: Int, target: UnsafePointer<T>, rows batch: Int,
                                 label: (Int) -> Int?) {
        let value = Double(loss.value(output: output, target: target, rows: batch, columns: k))
        total += loss == .sse ? value : value * Double(batch) / Double(rows)
        for r in 0..<batch {
            guard let l = label(r) else { return }
            if Network<T>.predictedClass(output + r * k, columns: k) == l { correct += 1 }
        }
    }

    mutating func add(_ evaluation: Evaluation) { fromEvaluation = evaluation }

    func result(labelled: Bool) -> Evaluation {
        fromEvaluation ?? Evaluation(loss: total, accuracy: labelled ? Double(correct) / Double(rows) : nil)
    }
}

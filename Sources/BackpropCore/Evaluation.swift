/// Loss and accuracy of a network over a whole dataset, in chunks that fit the workspace.
public struct Evaluation: Equatable, Sendable {
    public var loss: Double
    /// The fraction of rows classified correctly; nil for regression.
    public var accuracy: Double?

    public init(loss: Double, accuracy: Double?) {
        self.loss = loss
        self.accuracy = accuracy
    }
}

extension Network {
    /// x: dataset (count x inputs) -> the loss over all rows, as if computed in one batch,
    /// and the accuracy when the dataset has labels. One output column is a binary
    /// classifier thresholded at 0.5; several columns are classified by their argmax.
    @_specialize(where T == Double)
    @_specialize(where T == Float)
    public func evaluate(_ data: Dataset<T>, loss: Loss, workspace: Workspace<T>) -> Evaluation {
        SubnormalFlushing.with(T.self) { evaluateInCurrentMode(data, loss: loss, workspace: workspace) }
    }

    /// `evaluate` in the thread's current floating-point mode (the training loop sets it once).
    @inline(__always)
    func evaluateInCurrentMode(_ data: Dataset<T>, loss: Loss, workspace: Workspace<T>) -> Evaluation {
        var total = 0.0
        var correct = 0
        let chunk = workspace.capacity
        data.inputs.elements.withUnsafeBufferPointer { x in
            data.targets.elements.withUnsafeBufferPointer { t in
                var start = 0
                while start < data.count {
                    let rows = min(chunk, data.count - start)
                    forward(x.baseAddress! + start * inputs, rows: rows, workspace: workspace)
                    let value = Double(self.loss(loss, target: t.baseAddress! + start * outputs, rows: rows, workspace: workspace))
                    // sse is a sum over rows; the other losses are means, so weight by rows.
                    total += loss == .sse ? value : value * Double(rows) / Double(data.count)
                    if let labels = data.labels {
                        let out = workspace.a[layers.count - 1]
                        for r in 0..<rows where Self.predictedClass(out + r * outputs, columns: outputs) == labels[start + r] {
                            correct += 1
                        }
                    }
                    start += rows
                }
            }
        }
        return Evaluation(loss: total, accuracy: data.labels == nil ? nil : Double(correct) / Double(max(data.count, 1)))
    }

    /// The class a row of outputs predicts: one column is a binary classifier thresholded at
    /// 0.5, several are classified by their argmax (the first of equal maxima).
    public static func predictedClass(_ row: UnsafePointer<T>, columns: Int) -> Int {
        if columns == 1 { return row[0] >= 0.5 ? 1 : 0 }
        var best = 0
        for j in 1..<columns where row[j] > row[best] { best = j }
        return best
    }

    /// `predictedClass` of every row of `outputs` (rows, outputs): what `evaluate` counts.
    public static func predictedClasses(_ outputs: Matrix<T>) -> [Int] {
        outputs.elements.withUnsafeBufferPointer { o in
            (0..<outputs.rows).map { predictedClass(o.baseAddress! + $0 * outputs.columns, columns: outputs.columns) }
        }
    }
}

import BackpropCore

/// metrics.csv of one run:
/// epoch,train_loss[,val_loss][,train_accuracy][,val_accuracy],learning_rate[,diagnostics],seconds.
/// One row for epoch 0 (before any update), then one per epoch. With diagnostics on, for
/// layers l = 1...L: grad_norm_l, then weight_norm_l, then dead_relu_l for each ReLU layer.
public enum MetricsLog {
    public static func header(validation: Bool, accuracy: Bool, activations: [Activation]? = nil) -> [String] {
        var h = ["epoch", "train_loss"]
        if validation { h.append("val_loss") }
        if accuracy { h.append("train_accuracy"); if validation { h.append("val_accuracy") } }
        h.append("learning_rate")
        if let activations { h += diagnosticColumns(activations) }
        return h + ["seconds"]
    }

    static func diagnosticColumns(_ activations: [Activation]) -> [String] {
        let layers = 1...activations.count
        return layers.map { "grad_norm_\($0)" } + layers.map { "weight_norm_\($0)" }
            + layers.filter { activations[$0 - 1] == .relu }.map { "dead_relu_\($0)" }
    }

    /// - Parameter activations: the layers' activations, for the diagnostics columns (written
    ///   when the records carry diagnostics).
    public static func csv(_ rows: [MetricsRow], activations: [Activation] = []) -> String {
        let validation = rows.first?.record.validationLoss != nil
        let accuracy = rows.first?.record.trainAccuracy != nil
        let diagnostics = rows.first?.diagnostics != nil
        var out = CSV.line(header(validation: validation, accuracy: accuracy, activations: diagnostics ? activations : nil))
        out.reserveCapacity(out.utf8.count + rows.count * (diagnostics ? 160 : 80))
        // Field by field into one string: every field is a number, which needs no quoting.
        func field(_ value: Double?) {
            out += ","
            CSV.append(value, to: &out)
        }
        for row in rows {
            let r = row.record
            out += String(r.epoch)
            field(r.trainLoss)
            if validation { field(r.validationLoss) }
            if accuracy { field(r.trainAccuracy); if validation { field(r.validationAccuracy) } }
            field(r.learningRate)
            if diagnostics {
                let d = row.diagnostics
                for l in activations.indices { field(d?.gradientNorms?[l]) }
                for l in activations.indices { field(d?.weightNorms[l]) }
                for l in activations.indices where activations[l] == .relu { field(d?.deadFractions?[l] ?? nil) }
            }
            field(row.seconds)
            out += "\n"
        }
        return out
    }
}

extension MetricsLog {
    /// Reads a metrics.csv back, its diagnostics too; nil when it is not one: a header
    /// without the required columns, a short row, a value that is not a number. Written
    /// again with `csv`, the rows give the same text.
    public static func parse(_ text: String) -> [MetricsRow]? {
        let table = CSV.parse(text)
        guard let header = table.first else { return nil }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard column("epoch") == 0, let train = column("train_loss"), let rate = column("learning_rate"),
              header.last == "seconds" else { return nil }
        let val = column("val_loss"), trainAccuracy = column("train_accuracy"), valAccuracy = column("val_accuracy")
        let gradients = header.indices.filter { header[$0].hasPrefix("grad_norm_") }
        let weights = header.indices.filter { header[$0].hasPrefix("weight_norm_") }
        let dead = header.indices.filter { header[$0].hasPrefix("dead_relu_") }.map { c in (c, Int(header[c].dropFirst(10)) ?? 0) }
        func number(_ s: String) -> Double? {
            switch s {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return Double(s)
            }
        }
        var rows = [MetricsRow]()
        for fields in table.dropFirst() {
            guard fields.count == header.count, let epoch = Int(fields[0]) else { return nil }
            func value(_ c: Int?) -> Double?? {
                guard let c else { return .some(nil) }
                return number(fields[c]).map { .some($0) } ?? (fields[c].isEmpty ? .some(nil) : nil)
            }
            guard let t = value(train), let t = t, let lr = value(rate), let lr = lr, let s = number(fields[header.count - 1]),
                  let v = value(val), let ta = value(trainAccuracy), let va = value(valAccuracy) else { return nil }
            var diagnostics: Diagnostics? = nil
            if !weights.isEmpty {
                let g = gradients.map { number(fields[$0]) }, w = weights.map { number(fields[$0]) }
                guard !w.contains(nil), g.allSatisfy({ $0 != nil }) || gradients.allSatisfy({ fields[$0].isEmpty }) else { return nil }
                var deadFractions: [Double?]? = nil
                if dead.contains(where: { !fields[$0.0].isEmpty }) || (dead.isEmpty && epoch > 0) {
                    deadFractions = Array(repeating: nil, count: weights.count)
                    for (c, layer) in dead where (1...weights.count).contains(layer) { deadFractions![layer - 1] = number(fields[c]) }
                }
                diagnostics = Diagnostics(gradientNorms: gradients.allSatisfy { fields[$0].isEmpty } ? nil : g.map { $0! },
                                          weightNorms: w.map { $0! }, deadFractions: deadFractions)
            }
            rows.append(MetricsRow(record: EpochRecord(epoch: epoch, trainLoss: t, validationLoss: v, trainAccuracy: ta,
                                                       validationAccuracy: va, learningRate: lr), seconds: s, diagnostics: diagnostics))
        }
        return rows
    }
}

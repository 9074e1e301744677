import BackpropCore

/// metrics.csv of one run: epoch,train_loss[,val_loss][,train_accuracy][,val_accuracy],learning_rate,seconds.
/// One row for epoch 0 (before any update), then one per epoch.
public enum MetricsLog {
    public static func header(validation: Bool, accuracy: Bool) -> [String] {
        var h = ["epoch", "train_loss"]
        if validation { h.append("val_loss") }
        if accuracy { h.append("train_accuracy"); if validation { h.append("val_accuracy") } }
        return h + ["learning_rate", "seconds"]
    }

    public static func csv(_ rows: [MetricsRow]) -> String {
        let validation = rows.first?.record.validationLoss != nil
        let accuracy = rows.first?.record.trainAccuracy != nil
        var out = CSV.line(header(validation: validation, accuracy: accuracy))
        for row in rows {
            let r = row.record
            var fields = [String(r.epoch), CSV.number(r.trainLoss)]
            if validation { fields.append(CSV.number(r.validationLoss)) }
            if accuracy { fields.append(CSV.number(r.trainAccuracy)); if validation { fields.append(CSV.number(r.validationAccuracy)) } }
            fields += [CSV.number(r.learningRate), CSV.number(row.seconds)]
            out += CSV.line(fields)
        }
        return out
    }
}

extension MetricsLog {
    /// Reads a metrics.csv back; nil when it is not one (wrong header, a short row, a value
    /// that is not a number).
    public static func parse(_ text: String) -> [MetricsRow]? {
        let table = CSV.parse(text)
        guard let header = table.first else { return nil }
        let validation = header.contains("val_loss"), accuracy = header.contains("train_accuracy")
        guard header == self.header(validation: validation, accuracy: accuracy) else { return nil }
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
            var values = [Double]()
            for f in fields.dropFirst() { guard let v = number(f) else { return nil }; values.append(v) }
            var i = 0
            func next() -> Double { defer { i += 1 }; return values[i] }
            let train = next()
            let val = validation ? next() : nil
            let trainAccuracy = accuracy ? next() : nil
            let valAccuracy = accuracy && validation ? next() : nil
            let rate = next(), seconds = next()
            rows.append(MetricsRow(record: EpochRecord(epoch: epoch, trainLoss: train, validationLoss: val, trainAccuracy: trainAccuracy,
                                                       validationAccuracy: valAccuracy, learningRate: rate), seconds: seconds))
        }
        return rows
    }
}

/// model.json: {"layers":[{"weights":[[..]],"biases":[..],"activation":".."}]}, weights (inputs x units).
public enum ModelFile {
    public static func json<T: Scalar>(_ network: Network<T>) -> JSONValue {
        .object([("layers", .array(network.layers.indices.map { l in
            .object([
                ("weights", .array(network.weights(l).nested.map { .array($0.map { .number(Double($0)) }) })),
                ("biases", .array(network.biases(l).map { .number(Double($0)) })),
                ("activation", .string(network.layers[l].activation.rawValue)),
            ])
        }))])
    }
}

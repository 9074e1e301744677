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

import BackpropCore
import BackpropData

/// model.json: everything a prediction needs, so that the file is used alone (`backprop
/// predict`, `evaluate`):
///
///     {"layers": [{"weights": [[..]], "biases": [..], "activation": "..",
///                  "batch_norm": {"scale": [..], "shift": [..], "running_mean": [..], "running_var": [..]},
///                  "dropout": 0.3}],
///      "classes": [..], "positive_class": "..", "features": [..],
///      "normalization": {"shift": [..], "divisor": [..]}}
///
/// weights are (inputs x units). `batch_norm` (only on a batch-normalised layer) holds its γ,
/// β and the running statistics evaluation uses; `dropout` (only on a layer with dropout)
/// records the rate, which a prediction ignores (dropout is the identity outside training). For classification, `classes` names the classes in the order
/// of the outputs (output j is classes[j]); for one sigmoid output, `positive_class` is the
/// class its output is the probability of (classes[1]: the second in sorted order, "1" for
/// 0/1 labels). `features` names the input columns in order (a CSV file's header names; x1,
/// x2, … for generated data). `normalization`, fitted on the training split, is applied to
/// every input before the network: x' = (x - shift) / divisor, per column.
public enum ModelFile {
    /// The file's bytes for `network`, laid out as `JSONValue.serialized()` lays a document
    /// out (two-space indents; a weight matrix on one line, its rows `[a,b]` separated by
    /// ", "), and written straight into text: a network of 80,000 parameters is 1.6 MB of it,
    /// where a `JSONValue` tree of the same document took 6 MB more (a box and a string per
    /// number), twice over while two runs finished at once. Parameters that are not finite (a
    /// diverged run's) are written as the strings "inf", "-inf" and "nan", as status.json writes
    /// them: the file stays JSON, and `network(_:inputs:)` does not take it for a model.
    public static func bytes<T: Scalar>(_ network: Network<T>, classes: [String]?, features: [String]? = nil,
                                        normalization: Normalization.Fitted? = nil) -> [UInt8] {
        var out = ""
        out.reserveCapacity(256 + 24 * network.parameters.count)
        func numbers<S: Sequence>(_ values: S, separator: String) where S.Element == Double {
            out += "["
            for (i, v) in values.enumerated() {
                if i > 0 { out += separator }
                // JSON has no infinity or NaN: a diverged run's are strings, as in status.json.
                if v.isFinite { appendNumber(v, to: &out) } else { out += "\"\(v)\"" }
            }
            out += "]"
        }
        func strings(_ values: [String]) -> String {
            values.isEmpty ? "[]" : "[" + values.map(JSONValue.quote).joined(separator: ", ") + "]"
        }
        out += "{\n  \"layers\": ["
        // Read from the parameter block where it is (W is (inputs x units) row-major, then b).
        let p = network.parameters
        for (l, layer) in network.layers.enumerated() {
            out += l > 0 ? ",\n    {\n      \"weights\": [" : "\n    {\n      \"weights\": ["
            for i in 0..<layer.inputs {
                if i > 0 { out += ", " }
                let row = layer.weightOffset + i * layer.units
                numbers(p[row..<(row + layer.units)].lazy.map { Double($0) }, separator: ",")
            }
            out += "],\n      \"biases\": "
            numbers(p[layer.biasOffset..<(layer.biasOffset + layer.units)].lazy.map { Double($0) }, separator: ", ")
            out += ",\n      \"activation\": " + JSONValue.quote(layer.activation.rawValue)
            if let norm = network.normalization(l), let running = network.runningStatistics(l) {
                out += ",\n      \"batch_norm\": {\n        \"scale\": "
                numbers(norm.scale.lazy.map { Double($0) }, separator: ", ")
                out += ",\n        \"shift\": "
                numbers(norm.shift.lazy.map { Double($0) }, separator: ", ")
                out += ",\n        \"running_mean\": "
                numbers(running.mean.lazy.map { Double($0) }, separator: ", ")
                out += ",\n        \"running_var\": "
                numbers(running.variance.lazy.map { Double($0) }, separator: ", ")
                out += "\n      }"
            }
            if layer.dropout > 0 {
                out += ",\n      \"dropout\": "
                appendNumber(layer.dropout, to: &out)
            }
            out += "\n    }"
        }
        out += "\n  ]"
        if let classes {
            out += ",\n  \"classes\": " + strings(classes)
            if network.outputs == 1 && classes.count == 2 { out += ",\n  \"positive_class\": " + JSONValue.quote(classes[1]) }
        }
        if let features { out += ",\n  \"features\": " + strings(features) }
        if let normalization {
            out += ",\n  \"normalization\": {\n    \"shift\": "
            numbers(normalization.shift, separator: ", ")
            out += ",\n    \"divisor\": "
            numbers(normalization.divisor, separator: ", ")
            out += "\n  }"
        }
        out += "\n}\n"
        return Array(out.utf8)
    }
}

extension ModelFile {
    /// Whether a model.json's layers hold parameters that are not finite (written as strings:
    /// the run diverged).
    public static func hasNonFiniteParameters(_ json: JSONValue) -> Bool {
        guard case let .array(layers)? = json["layers"] else { return false }
        func strings(_ v: JSONValue?) -> Bool {
            switch v {
            case let .array(items)?: return items.contains { strings($0) }
            case .string?: return true
            default: return false
            }
        }
        return layers.contains { layer in
            strings(layer["weights"]) || strings(layer["biases"])
                || ["scale", "shift", "running_mean", "running_var"].contains { strings(layer["batch_norm"]?[$0]) }
        }
    }

    /// The network a model.json holds, for `inputs` input columns; nil when it is not one, or
    /// not one of `architecture` when that is given (a model.json is read from a folder anyone
    /// may have written: checked against its run's spec, its outputs fit the run's classes).
    /// Every parameter must be a finite decimal number.
    public static func network(_ json: JSONValue, inputs: Int, architecture expected: [LayerSpec]? = nil) -> Network<Double>? {
        guard case let .array(layers)? = json["layers"] else { return nil }
        var architecture = [LayerSpec](), flat = [Double](), statistics = [Double]()
        var width = inputs
        func numbers(_ items: [JSONValue]) -> [Double]? {
            let values = items.compactMap { v -> Double? in if case let .number(t) = v { return DecimalNumber.parse(t) } else { return nil } }
            return values.count == items.count ? values : nil
        }
        for layer in layers {
            guard case let .array(rows)? = layer["weights"], case let .array(b)? = layer["biases"],
                  case let .string(name)? = layer["activation"], let activation = Activation(rawValue: name) else { return nil }
            let weights = rows.compactMap { row -> [Double]? in if case let .array(items) = row { return numbers(items) } else { return nil } }
            guard weights.count == width, let biases = numbers(b), weights.allSatisfy({ $0.count == biases.count }), !biases.isEmpty else { return nil }
            var spec = LayerSpec(units: biases.count, activation: activation)
            flat += weights.joined()
            flat += biases
            if let norm = layer["batch_norm"] {
                var four = [[Double]]()
                for key in ["scale", "shift", "running_mean", "running_var"] {
                    guard case let .array(items)? = norm[key], let values = numbers(items), values.count == spec.units else { return nil }
                    four.append(values)
                }
                // A variance below 0 has no square root.
                guard four[3].allSatisfy({ $0 >= 0 }) else { return nil }
                spec.batchNorm = true
                flat += four[0] + four[1]
                statistics += four[2] + four[3]
            }
            if let d = layer["dropout"] {
                guard case let .number(t) = d, let p = DecimalNumber.parse(t), p > 0, p < 1 else { return nil }
                spec.dropout = p
            }
            architecture.append(spec)
            width = biases.count
        }
        guard !architecture.isEmpty, expected.map({ $0 == architecture }) ?? true else { return nil }
        return Network(inputs: inputs, architecture: architecture, parameters: flat, statistics: statistics)
    }
}

import BackpropCore
import BackpropData

/// model.json: everything a prediction needs, so that the file is used alone (`backprop
/// predict`, `evaluate`):
///
///     {"layers": [{"weights": [[..]], "biases": [..], "activation": ".."}],
///      "classes": [..], "positive_class": "..", "features": [..],
///      "normalization": {"shift": [..], "divisor": [..]}}
///
/// weights are (inputs x units). For classification, `classes` names the classes in the order
/// of the outputs (output j is classes[j]); for one sigmoid output, `positive_class` is the
/// class its output is the probability of (classes[1]: the second in sorted order, "1" for
/// 0/1 labels). `features` names the input columns in order (a CSV file's header names; x1,
/// x2, … for generated data). `normalization`, fitted on the training split, is applied to
/// every input before the network: x' = (x - shift) / divisor, per column.
public enum ModelFile {
    public static func json<T: Scalar>(_ network: Network<T>, classes: [String]?, features: [String]? = nil,
                                       normalization: Normalization.Fitted? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("layers", .array(network.layers.indices.map { l in
            .object([
                ("weights", .array(network.weights(l).nested.map { .array($0.map { .number(Double($0)) }) })),
                ("biases", .array(network.biases(l).map { .number(Double($0)) })),
                ("activation", .string(network.layers[l].activation.rawValue)),
            ])
        }))]
        if let classes {
            members.append(("classes", .array(classes.map(JSONValue.string))))
            if network.outputs == 1 && classes.count == 2 { members.append(("positive_class", .string(classes[1]))) }
        }
        if let features { members.append(("features", .array(features.map(JSONValue.string)))) }
        if let normalization {
            members.append(("normalization", .object([("shift", .array(normalization.shift.map(JSONValue.number))),
                                                      ("divisor", .array(normalization.divisor.map(JSONValue.number)))])))
        }
        return .object(members)
    }
}

extension ModelFile {
    /// The network a model.json holds, for `inputs` input columns; nil when it is not one.
    public static func network(_ json: JSONValue, inputs: Int) -> Network<Double>? {
        guard case let .array(layers)? = json["layers"] else { return nil }
        var architecture = [LayerSpec](), parameters = [(weights: Matrix<Double>, biases: [Double])]()
        var width = inputs
        for layer in layers {
            guard case let .array(rows)? = layer["weights"], case let .array(b)? = layer["biases"],
                  case let .string(name)? = layer["activation"], let activation = Activation(rawValue: name) else { return nil }
            func numbers(_ items: [JSONValue]) -> [Double]? {
                let values = items.compactMap { v -> Double? in if case let .number(t) = v { return Double(t) } else { return nil } }
                return values.count == items.count ? values : nil
            }
            let weights = rows.compactMap { row -> [Double]? in if case let .array(items) = row { return numbers(items) } else { return nil } }
            guard weights.count == width, let biases = numbers(b), weights.allSatisfy({ $0.count == biases.count }), !biases.isEmpty else { return nil }
            architecture.append(LayerSpec(units: biases.count, activation: activation))
            parameters.append((Matrix(weights), biases))
            width = biases.count
        }
        guard !architecture.isEmpty else { return nil }
        return Network(inputs: inputs, architecture: architecture, weightsAndBiases: parameters)
    }
}

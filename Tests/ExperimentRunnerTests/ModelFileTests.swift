import BackpropCore
import BackpropData
import Testing
import ExperimentRunner

/// model.json is written straight into bytes (`ModelFile.bytes`), without a JSONValue tree.
@Suite struct ModelFileTests {
    /// The same document as a JSONValue, serialized: how model.json was written before, kept
    /// here as the reference of its layout.
    static func document<T: Scalar>(_ network: Network<T>, classes: [String]?, features: [String]?,
                                    normalization: Normalization.Fitted?) -> String {
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
        return JSONValue.object(members).serialized() + "\n"
    }

    /// The layout, written out by hand for a 2-1 network: every member, a weight matrix of
    /// two rows, whole and fractional numbers, a name that needs escaping.
    @Test func layoutByHand() {
        let network = Network<Double>(inputs: 2, architecture: [LayerSpec(units: 1, activation: .sigmoid)],
                                      weightsAndBiases: [(Matrix([[0.5], [-2]]), [0.25])])
        let text = String(decoding: ModelFile.bytes(network, classes: ["no", "yes"], features: ["x1", "x\"2"],
                                                    normalization: .init(shift: [0, 0.5], divisor: [1, 255])), as: UTF8.self)
        #expect(text == """
        {
          "layers": [
            {
              "weights": [[0.5], [-2]],
              "biases": [0.25],
              "activation": "sigmoid"
            }
          ],
          "classes": ["no", "yes"],
          "positive_class": "yes",
          "features": ["x1", "x\\"2"],
          "normalization": {
            "shift": [0, 0.5],
            "divisor": [1, 255]
          }
        }

        """)
    }

    /// Random networks of both precisions, with and without each optional member, and with
    /// awkward numbers (whole, tiny, huge, negative zero): the same bytes as the JSONValue
    /// document, and parameters that read back exactly.
    @Test(arguments: 0..<24)
    func sameBytesAsTheDocument(seed: Int) throws {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
        func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        let inputs = int(1...5)
        let architecture = (0..<int(1...3)).map { _ in LayerSpec(units: int(1...4), activation: [.sigmoid, .relu, .tanh, .softmax][int(0...3)]) }
        let special: [Double] = [0, 1, -2, 1e-5, 1e20, -0.0, 123456789012345678, 0.1]
        var network = Network<Double>(inputs: inputs, architecture: architecture, initialization: .xavier, seed: UInt64(seed))
        for i in network.parameters.indices where int(0...3) == 0 { network.parameters[i] = special[int(0...(special.count - 1))] }
        let outputs = architecture.last!.units
        let classes: [String]? = [nil, ["a", "b"], (0..<max(outputs, 2)).map { "class \($0)" }, ["tab\tb", "q\"c"]][int(0...3)]
        let features: [String]? = int(0...1) == 0 ? nil : (0..<inputs).map { "f\($0)" }
        let normalization: Normalization.Fitted? = int(0...1) == 0 ? nil
            : .init(shift: (0..<inputs).map { Double($0) / 3 }, divisor: (0..<inputs).map { _ in [1, 255, 0.5][int(0...2)] })
        let bytes = ModelFile.bytes(network, classes: classes, features: features, normalization: normalization)
        #expect(String(decoding: bytes, as: UTF8.self) == Self.document(network, classes: classes, features: features, normalization: normalization))
        let back = try #require(ModelFile.network(try JSONParser.parse(bytes), inputs: inputs))
        #expect(back.parameters.map(\.bitPattern) == network.parameters.map { ($0 == 0 ? 0 : $0).bitPattern })
        let single: Network<Float> = network.converted()
        #expect(String(decoding: ModelFile.bytes(single, classes: classes, features: features, normalization: normalization), as: UTF8.self)
                == Self.document(single, classes: classes, features: features, normalization: normalization))
    }
}

// make bench only (section 9): one whole training run where Adam's state of dead ReLU units
// decays into float32's subnormal range, trained three ways: float32 flushing subnormals to
// zero (backprop's way), float32 computing with them (PyTorch's default), and float64.
//
//     subnormal-run DIGITS.csv float32|float64 [--unflushed]
//
// Digits (1,797 8x8 images; 20% held out, stratified, seed 0; inputs standardised), a
// 64-256-10 network of ReLUs, Adam at 0.03 (high enough that some units die early), batches of
// 16, 1,000 epochs: 90,000 steps, past the ~75,000 after which a dead unit's Adam second moment
// v (decaying by β2 = 0.999 a step) falls below 1.2e-38. Prints one line:
//     seconds final_val_loss final_val_accuracy subnormal_v_entries dead_fraction
import BackpropCore
import BackpropData
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3, ["float32", "float64"].contains(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: subnormal-run DIGITS.csv float32|float64 [--unflushed]\n".utf8))
    exit(2)
}
let flushed = !arguments.dropFirst(3).contains("--unflushed")
let csv = try CSVDataset(path: arguments[1], target: "digit", features: nil, classification: true)
guard case let .classes(labels, names)? = csv.target else { exit(2) }
let all = Dataset<Double>(inputs: csv.inputs, labels: labels, classes: names.count, outputs: names.count)
var (trainingRows, validationRows) = all.split(validationFraction: 0.2, seed: 0)
let fitted = Normalization.standard.fit(trainingRows.inputs)
fitted.apply(to: &trainingRows.inputs)
fitted.apply(to: &validationRows!.inputs)

func run<T: Scalar>(_: T.Type, training: Dataset<Double>, validation: Dataset<Double>, flushed: Bool) -> String {
    var configuration = TrainingConfiguration(epochs: 1000, batchSize: 16, loss: .crossEntropy,
                                              optimizer: OptimizerConfiguration(kind: .adam, learningRate: 0.03), seed: 1)
    configuration.flushesSubnormals = flushed
    let network = Network<T>(inputs: 64, architecture: [LayerSpec(units: 256, activation: .relu), LayerSpec(units: 10, activation: .softmax)],
                             initialization: .he, seed: 1)
    let loop = TrainingLoop(configuration: configuration, network: network, data: training.converted(to: T.self),
                            validation: validation.converted(to: T.self))
    var last: EpochRecord?
    let start = DispatchTime.now().uptimeNanoseconds
    _ = loop.run { epoch in last = epoch.record; return true }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    // Adam's buffers: m then v for each parameter tensor, in the order the state lists them.
    let buffers = loop.state.optimizerBuffers
    let subnormal = buffers.reduce(0) { $0 + $1.filter { $0 != 0 && abs($0) < T.leastNormalMagnitude }.count }
    // A hidden unit is dead when its pre-activation is at most 0 on every training row.
    let w = loop.network.weights(0), b = loop.network.biases(0), x = training.inputs
    var dead = 0
    for j in 0..<w.columns {  // w is inputs × units
        let alive = (0..<x.rows).contains { r in (0..<x.columns).reduce(Double(b[j])) { $0 + Double(w[$1, j]) * x[r, $1] } > 0 }
        if !alive { dead += 1 }
    }
    return "\(seconds) \(last!.validationLoss!) \(last!.validationAccuracy!) \(subnormal) \(Double(dead) / Double(w.columns))"
}

print(arguments[2] == "float32" ? run(Float.self, training: trainingRows, validation: validationRows!, flushed: flushed)
                                : run(Double.self, training: trainingRows, validation: validationRows!, flushed: flushed))

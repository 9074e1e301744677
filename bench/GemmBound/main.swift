// make bench, section 2's bound: the matrix products of one Fashion-MNIST 784-100-10 epoch
// (batch 200, 60,000 images) alone, through the same gemm calls backprop makes (BackpropCore's
// `Scalar.gemm`: OpenBLAS, one thread), at the same shapes.
//
//     gemm-bound float64|float32
//
// Per batch: the forward products X·W1 (200x784 by 784x100) and H·W2 (200x100 by 100x10), the
// backward ones dW2 = Hᵀ·δ2, δH = δ2·W2ᵀ and dW1 = Xᵀ·δ1. (backprop measures the epoch's training
// loss and accuracy from the batches' own forward passes, and the benchmark's spec has no
// validation set: there is no other product.) Prints the mean of 5 epochs after one to warm up,
// in seconds: backprop's own figure is its mean epoch too (after its epoch-0 evaluation).
//
//     gemm-bound float64|float32 --gathered
//
// The same products on shuffled batches, each batch's 200 rows first copied row by row from
// their places in the dataset into one buffer, as backprop's training loop gathers them (a
// seeded permutation per epoch). The difference from the first figure is what moving the
// shuffled rows costs: the one part of an epoch besides the products that the spec fixes (which
// rows form a batch), shown so that make bench can say how much of the gap it is.
//
//     gemm-bound float64|float32 --adam
//
// Not a product: BackpropCore's own Adam step alone (Adam.step, with the bench spec's weight
// decay 1e-4 folded in), 300 steps over the network's 79,510 parameters, as many as an epoch
// takes, on a fixed gradient. Timed the same way, so that make bench can say what share of the
// rest is the optimizer's pass.
//
//     gemm-bound float64|float32 --adam-dead [--unflushed]
//
// The same Adam steps on the state a dead layer leaves (make bench, section 9): every gradient
// 0, m 0, v decaying by β2 from 1e-40 (subnormal in float32, normal in float64), as Adam's v
// of a ReLU unit that stopped firing passes through that range some 75,000 steps after it
// died. In the engine's float32 mode (subnormals flushed, `SubnormalFlushing`) and, with
// --unflushed, computing with them as PyTorch does by default.
import BackpropCore
import Foundation

func epoch<T: Scalar>(_: T.Type, gathered: Bool) -> Double {
    let n = 60_000, batch = 200, inputs = 784, hidden = 100, outputs = 10
    // Allocated as backprop allocates a dataset's features (a Matrix: 2 MiB pages where Linux
    // grants them), so that both sides read memory the same way.
    var features = Matrix<T>(rows: n, columns: inputs)
    for i in features.elements.indices { features.elements[i] = T(Double(i % 255) / 255) }
    let w1 = [T](repeating: T(0.01), count: inputs * hidden), w2 = [T](repeating: T(0.01), count: hidden * outputs)
    let d2 = [T](repeating: T(0.001), count: batch * outputs)
    var h = [T](repeating: 0, count: batch * hidden), o = [T](repeating: 0, count: batch * outputs)
    var d1 = [T](repeating: 0, count: batch * hidden), g1 = [T](repeating: 0, count: inputs * hidden), g2 = [T](repeating: 0, count: hidden * outputs)
    let buffer = UnsafeMutablePointer<T>.allocate(capacity: batch * inputs)
    defer { buffer.deallocate() }
    var order = Array(0..<n), rng = Xoshiro256StarStar(seed: 0)
    var total = 0.0
    for e in 0..<6 {
        let start = Date()
        if gathered { order.shuffle(using: &rng) }
        features.elements.withUnsafeBufferPointer { x in
            for b in stride(from: 0, to: n, by: batch) {
                var xb = x.baseAddress! + b * inputs
                if gathered {
                    for r in 0..<batch { (buffer + r * inputs).update(from: x.baseAddress! + order[b + r] * inputs, count: inputs) }
                    xb = UnsafePointer(buffer)
                }
                T.gemm(transA: false, transB: false, m: batch, n: hidden, k: inputs, alpha: 1, a: xb, lda: inputs, b: w1, ldb: hidden, beta: 0, c: &h, ldc: hidden)
                T.gemm(transA: false, transB: false, m: batch, n: outputs, k: hidden, alpha: 1, a: h, lda: hidden, b: w2, ldb: outputs, beta: 0, c: &o, ldc: outputs)
                T.gemm(transA: true, transB: false, m: hidden, n: outputs, k: batch, alpha: 1, a: h, lda: hidden, b: d2, ldb: outputs, beta: 0, c: &g2, ldc: outputs)
                T.gemm(transA: false, transB: true, m: batch, n: hidden, k: outputs, alpha: 1, a: d2, lda: outputs, b: w2, ldb: outputs, beta: 0, c: &d1, ldc: hidden)
                T.gemm(transA: true, transB: false, m: inputs, n: hidden, k: batch, alpha: 1, a: xb, lda: inputs, b: d1, ldb: hidden, beta: 0, c: &g1, ldc: hidden)
            }
        }
        if e > 0 { total += Date().timeIntervalSince(start) }
    }
    return total / 5
}

func adamEpoch<T: Scalar>(_: T.Type) -> Double {
    let layers = Network<T>.layout(inputs: 784, architecture: [LayerSpec(units: 100, activation: .relu),
                                                                LayerSpec(units: 10, activation: .softmax)])
    let count = layers.reduce(0) { $0 + $1.parameterCount }
    var parameters = (0..<count).map { T(Double($0 % 97) / 970 - 0.05) }
    let gradients = (0..<count).map { T(Double($0 % 89) / 89_000 - 0.0005) }
    let adam = Adam<T>(parameterCount: count)
    let decay = FoldedDecay<T>(lambda: T(1e-4), rows: 200, layers: layers)
    var total = 0.0
    for e in 0..<6 {
        let start = Date()
        parameters.withUnsafeMutableBufferPointer { p in
            for _ in 0..<300 {
                adam.step(parameters: p.baseAddress!, gradients: gradients, count: count, learningRate: 1e-3, decay: decay)
            }
        }
        if e > 0 { total += Date().timeIntervalSince(start) }
    }
    return total / 5
}

func adamDeadEpoch<T: Scalar>(_: T.Type, flushed: Bool) -> Double {
    let layers = Network<T>.layout(inputs: 784, architecture: [LayerSpec(units: 100, activation: .relu),
                                                                LayerSpec(units: 10, activation: .softmax)])
    let count = layers.reduce(0) { $0 + $1.parameterCount }
    var parameters = (0..<count).map { T(Double($0 % 97) / 970 - 0.05) }
    let gradients = [T](repeating: 0, count: count)
    var total = 0.0
    for e in 0..<6 {
        let adam = OptimizerConfiguration(kind: .adam, learningRate: 1e-3).make(parameterCount: count, scalar: T.self)
        // v as the dead layer's decay leaves it: 1e-40 times a spread factor; m has reached 0.
        let v = (0..<count).map { T(1e-40 * (1 + Double($0 % 97) / 97)) }
        adam.restore(buffers: [[T](repeating: 0, count: count), v], steps: 100_000)
        let start = Date()
        SubnormalFlushing.with(flushed && SubnormalFlushing.applies(to: T.self)) {
            parameters.withUnsafeMutableBufferPointer { p in
                for _ in 0..<300 { adam.step(parameters: p.baseAddress!, gradients: gradients, count: count, learningRate: 1e-3, decay: nil) }
            }
        }
        if e > 0 { total += Date().timeIntervalSince(start) }
    }
    return total / 5
}

BLAS.useSingleThread()
let arguments = Array(CommandLine.arguments.dropFirst())
let option = arguments.count >= 2 ? arguments[1] : nil
if option == "--adam-dead" {
    let flushed = !arguments.dropFirst(2).contains("--unflushed")
    switch arguments.first {
    case "float64": print(adamDeadEpoch(Double.self, flushed: flushed)); exit(0)
    case "float32": print(adamDeadEpoch(Float.self, flushed: flushed)); exit(0)
    default: break
    }
}
switch (arguments.first, arguments.count == 1 || option == "--gathered" || option == "--adam") {
case ("float64", true): print(option == "--adam" ? adamEpoch(Double.self) : epoch(Double.self, gathered: option == "--gathered"))
case ("float32", true): print(option == "--adam" ? adamEpoch(Float.self) : epoch(Float.self, gathered: option == "--gathered"))
default:
    FileHandle.standardError.write(Data("usage: gemm-bound float64|float32 [--gathered|--adam|--adam-dead [--unflushed]]\n".utf8))
    exit(2)
}

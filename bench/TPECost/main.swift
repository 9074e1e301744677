import ExperimentRunner
import Foundation

// make bench only: the TPE sampler's own time per proposal, at N finished trials of a fixed
// 4-dimensional history (the space and the formula of bench/optuna_tpe_cost.py, which times
// Optuna's TPESampler on the same histories). Prints "N milliseconds-per-proposal".
let space: [SearchSpec.Distribution] = [.logUniform(1e-4, 1), .int(2, 256, log: true), .uniform(0, 0.99),
                                        .choice([.string("relu"), .string("tanh"), .string("sigmoid")])]

/// Trial i of the history: the same numbers as the Python side computes.
func trial(_ i: Int) -> TPESampler.Observation {
    let u = { (k: Int) -> Double in
        let x = sin(Double(i * 4 + k) * 12.9898) * 43758.5453
        return x - x.rounded(.down)
    }
    let lr = exp(log(1e-4) + u(0) * (log(1.0) - log(1e-4)))
    let units = Double(2 + Int(u(1) * 255))
    let m = 0.99 * u(2), a = Double(Int(u(3) * 3))
    let loss = pow(log10(lr) + 2, 2) + 0.3 * abs(log2(units) - 5) + pow(m - 0.9, 2) + [0.0, 0.2, 0.5][Int(a)]
    return TPESampler.Observation(point: [lr, units, m, a], loss: loss)
}

for n in CommandLine.arguments.dropFirst().compactMap(Int.init) {
    let history = (0..<n).map(trial)
    let sampler = TPESampler(space: space, seed: 0, startupTrials: 10)
    let repeats = max(20, 20000 / max(n, 1))
    _ = sampler.propose(first: n, count: 1, finished: history)  // warm up
    let start = DispatchTime.now().uptimeNanoseconds
    for r in 0..<repeats { _ = sampler.propose(first: n + r, count: 1, finished: history) }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(n, seconds / Double(repeats) * 1000)
}

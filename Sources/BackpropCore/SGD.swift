/// Plain stochastic gradient descent: w <- w - lr · dL/dw. No state.
public struct SGD<T: Scalar>: Optimizer {
    public init() {}

    public mutating func step(parameters: UnsafeMutablePointer<T>, gradients: UnsafePointer<T>, count: Int, learningRate: T) {
        for i in 0..<count { parameters[i] -= learningRate * gradients[i] }
    }
}

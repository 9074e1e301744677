import CFloatingPoint

/// float32 computes with subnormal numbers flushed to zero, as PyTorch does after
/// `torch.set_flush_denormal(True)`: on x86-64 the thread's MXCSR gets FTZ (a subnormal result
/// becomes ±0) and DAZ (a subnormal input is read as ±0), on AArch64 FPCR's FZ.
///
/// Why: a float32 number below 2^-126 ≈ 1.2e-38 is subnormal, and arithmetic on one takes a
/// microcode assist of about a hundred cycles on the Intel cores this runs on. Adam's
/// moments of a parameter whose gradient stays 0 (a dead ReLU unit's weights, an input column
/// that is always 0) decay by β1 and β2 every step and pass through that range; measured here
/// (`make bench`, section 9), Adam's step over such a state costs about 3x a normal one, and
/// more than the same step in float64, whose subnormals begin at 2^-1022. Flushed, the step
/// costs what it always does, and nothing that a float32 run can represent otherwise changes:
/// values below 1.2e-38 are below the precision of every quantity the run logs.
///
/// float64 computations are never flushed (they stay equal to PyTorch's float64, which does
/// not flush by default). The setting is the calling thread's, set for the duration of one
/// call of the engine (a loop's epochs, a trace, an evaluation) and restored after it, and
/// suspended while the engine calls back (a loop's `onEpoch`), so it never reaches other code.
public enum SubnormalFlushing {
    /// Whether this machine can flush (x86-64 and AArch64).
    public static var isAvailable: Bool { backprop_fp_flush_bits() != 0 }

    /// Whether computations in `T` flush: float32 only, where the machine can.
    public static func applies<T: Scalar>(to _: T.Type) -> Bool { T.self == Float.self && isAvailable }

    /// Runs `body` with subnormals flushed when `on`, restoring the thread's setting after.
    @inline(__always)
    public static func with<R>(_ on: Bool, _ body: () throws -> R) rethrows -> R {
        guard on else { return try body() }
        let saved = backprop_fp_control()
        backprop_set_fp_control(saved | backprop_fp_flush_bits())
        defer { backprop_set_fp_control(saved) }
        return try body()
    }

    /// Runs `body` as the engine runs computations in `T` (flushed for float32).
    @inline(__always)
    public static func with<T: Scalar, R>(_: T.Type, _ body: () throws -> R) rethrows -> R {
        try with(applies(to: T.self), body)
    }

    /// Runs `body` (the caller's code, called back from inside the engine) with the thread's
    /// flushing off, restoring it after.
    @inline(__always)
    public static func suspended<R>(_ body: () throws -> R) rethrows -> R {
        let saved = backprop_fp_control()
        guard saved & backprop_fp_flush_bits() != 0 else { return try body() }
        backprop_set_fp_control(saved & ~backprop_fp_flush_bits())
        defer { backprop_set_fp_control(saved) }
        return try body()
    }

    /// Whether the calling thread flushes right now (for tests).
    public static var isOn: Bool {
        let bits = backprop_fp_flush_bits()
        return bits != 0 && backprop_fp_control() & bits == bits
    }
}

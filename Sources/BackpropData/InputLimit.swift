#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The most bytes backprop reads from one input file (a spec, a data file after gzip
/// expansion, an IDX file's data, a model.json, a checkpoint, a run's CSV): a file past it is
/// a one-line error, read no further, before memory runs out. Reading a CSV takes up to about
/// 40 bytes of memory per byte read (a field per comma), so the default is a 64th of the memory
/// this process may use: physical memory, or `ulimit -v` / `-d` when lower; at least 64 MiB.
/// 384 MiB on a 24 GiB machine. `--max-input` (or BACKPROP_MAX_INPUT) sets it (SECURITY.md).
public enum InputLimit {
    private static let stored = Atomic<Int>(0)

    /// The limit in force, in bytes.
    public static var bytes: Int {
        let b = stored.load(ordering: .relaxed)
        return b > 0 ? b : defaultBytes
    }

    public static func set(_ bytes: Int) { stored.store(max(bytes, 1), ordering: .relaxed) }

    public static let defaultBytes: Int = max(usableMemory / 64, 64 << 20)

    /// Physical memory, or the address-space or data limit of this process when lower.
    public static var usableMemory: Int {
        var memory = Int(sysconf(Int32(_SC_PHYS_PAGES))).multipliedReportingOverflow(by: Int(sysconf(Int32(_SC_PAGESIZE))))
        if memory.overflow || memory.partialValue <= 0 { memory = (1 << 34, false) }
        var result = memory.partialValue
        for resource in [RLIMIT_AS, RLIMIT_DATA] {
            var limit = rlimit()
            if getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0, limit.rlim_cur < UInt64(Int.max) {
                result = min(result, Int(limit.rlim_cur))
            }
        }
        return result
    }

    /// A size as people write it: 1000, 512K, 64M, 2G (powers of 1024); nil when it is not one.
    public static func parse(_ text: String) -> Int? {
        var digits = Substring(text)
        var unit = 1
        if let last = digits.last, let shift = ["K": 10, "M": 20, "G": 30, "T": 40][String(last).uppercased()] {
            unit = 1 << shift
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) else { return nil }
        let (v, overflow) = n.multipliedReportingOverflow(by: unit)
        return overflow || v < 1 ? nil : v
    }

    /// `bytes` as the messages say it: "384 MiB".
    public static func describe(_ bytes: Int) -> String {
        for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes >= 1 << shift {
            let tenths = Int((Double(bytes) / Double(1 << shift) * 10).rounded())
            return (tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)") + " " + unit
        }
        return "\(bytes) bytes"
    }

    /// The error for a file that holds more than the limit.
    public static func tooLarge(_ file: String, what: String = "holds") -> DataError {
        DataError(file: file, message: "\(what) more than \(describe(bytes)), the input limit: raise it with --max-input (or BACKPROP_MAX_INPUT) if the file is what you meant")
    }
}

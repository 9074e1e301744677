import BackpropCore

/// runs/<id>/checkpoint.bin: a run paused between two epochs, to continue bit for bit after
/// a kill, a power cut, a preemption, or a halving rung (`TrainingState` and the metrics so
/// far). Little-endian binary, written atomically:
///
///     "BPCKPT02", the scalar's size (4 or 8), the identity (the run's config and its data's
///     fingerprint, as text), the epoch, the seconds trained, the parameters, the optimizer's
///     buffers and steps, the shuffling stream's state and row order, early stopping's state
///     (with the best epoch's running statistics), batch normalisation's running statistics,
///     the dropout stream's state, metrics.csv so far (text), then an FNV-1a 64 checksum of
///     everything before it.
///
/// "BPCKPT01" files (written before batch normalisation and dropout, so by runs that have
/// neither) lack the three running-statistics and dropout fields, and are read too.
///
/// A file that is damaged (bad magic, lengths or checksum) or belongs to another
/// configuration or other data is never resumed from: `read` says why, and the run starts over.
public enum Checkpoint {
    static let magic = Array("BPCKPT02".utf8)
    static let magicWithoutStatistics = Array("BPCKPT01".utf8)

    /// What a checkpoint gives back.
    public struct Saved<T: Scalar> {
        public var state: TrainingState<T>
        public var seconds: Double
        public var metrics: String
    }

    /// The identity a checkpoint must carry to be resumed: the run's config.json as written
    /// (its serialization is this program's own) and the data fingerprint.
    public static func identity(config: String, fingerprint: String) -> String { fingerprint + "\n" + config }

    public static func encode<T: Scalar>(_ state: TrainingState<T>, identity: String, seconds: Double, metrics: String) -> [UInt8] {
        var out = magic
        out.append(UInt8(MemoryLayout<T>.size))
        func u64(_ x: UInt64) { withUnsafeBytes(of: x.littleEndian) { out += $0 } }
        func i64(_ x: Int) { u64(UInt64(bitPattern: Int64(x))) }
        func f64(_ x: Double) { u64(x.bitPattern) }
        func bytes(_ b: [UInt8]) { u64(UInt64(b.count)); out += b }
        func scalars(_ values: [T]) { u64(UInt64(values.count)); values.withUnsafeBytes { out += $0 } }
        bytes(Array(identity.utf8))
        i64(state.epoch)
        f64(seconds)
        scalars(state.parameters)
        u64(UInt64(state.optimizerBuffers.count))
        for b in state.optimizerBuffers { scalars(b) }
        i64(state.optimizerSteps ?? -1)
        u64(state.shuffling.0); u64(state.shuffling.1); u64(state.shuffling.2); u64(state.shuffling.3)
        u64(UInt64(state.order.count))
        state.order.map { Int64($0).littleEndian }.withUnsafeBytes { out += $0 }
        if let e = state.earlyStopping {
            out.append(1)
            f64(e.bestLoss); i64(e.bestEpoch); i64(e.stale); scalars(e.bestParameters); scalars(e.bestStatistics)
        } else {
            out.append(0)
        }
        scalars(state.statistics)
        u64(state.dropout.0); u64(state.dropout.1); u64(state.dropout.2); u64(state.dropout.3)
        bytes(Array(metrics.utf8))
        return withChecksum(out)
    }

    /// `body` with its checksum appended: a file `decode` takes past its checksum test (the
    /// fuzz tests make such files with fields that do not fit, as anyone could).
    public static func withChecksum(_ body: [UInt8]) -> [UInt8] {
        var out = body
        withUnsafeBytes(of: fnv1a(body[...]).littleEndian) { out += $0 }
        return out
    }

    public enum ReadError: Error, CustomStringConvertible {
        case damaged(String)
        case another(String)
        public var description: String {
            switch self {
            case let .damaged(why): return "damaged (\(why))"
            case let .another(what): return "belongs to \(what)"
            }
        }
    }

    /// The checkpoint in `bytes`, for a run of `identity` whose network has `parameters`
    /// parameters and whose training set has `rows` rows.
    public static func decode<T: Scalar>(_ bytes: [UInt8], as: T.Type, identity: String, parameters: Int,
                                         rows: Int) -> Result<Saved<T>, ReadError> {
        guard bytes.count >= magic.count + 1 + 8 else { return .failure(.damaged("not a backprop checkpoint")) }
        let version2 = Array(bytes.prefix(magic.count)) == magic
        guard version2 || Array(bytes.prefix(magic.count)) == magicWithoutStatistics else { return .failure(.damaged("not a backprop checkpoint")) }
        let body = bytes.count - 8
        let stored = bytes[body...].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard stored == fnv1a(bytes[..<body]) else { return .failure(.damaged("checksum mismatch")) }
        guard Int(bytes[magic.count]) == MemoryLayout<T>.size else { return .failure(.another("another precision")) }
        var at = magic.count + 1
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, n <= body - at else { throw Short() }
            defer { at += n }
            return bytes[at..<(at + n)]
        }
        func u64() throws -> UInt64 { try take(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) } }
        func i64() throws -> Int { Int(Int64(bitPattern: try u64())) }
        func count(_ limit: Int) throws -> Int {
            let n = try u64()
            guard n <= UInt64(limit) else { throw Short() }
            return Int(n)
        }
        func scalars(_ expected: Int? = nil) throws -> [T] {
            let n = try count((body - at) / MemoryLayout<T>.size)
            if let expected, n != expected { throw Short() }
            let raw = try take(n * MemoryLayout<T>.size)
            return raw.withUnsafeBytes { p in (0..<n).map { p.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
        }
        do {
            let id = String(decoding: try take(try count(body - at)), as: UTF8.self)
            guard id == identity else { return .failure(.another("another configuration or other data")) }
            let epoch = try i64(), seconds = Double(bitPattern: try u64())
            let params = try scalars(parameters)
            let k = try count(2)
            var buffers = [[T]]()
            for _ in 0..<k { buffers.append(try scalars(parameters)) }
            let steps = try i64()
            let shuffling = (try u64(), try u64(), try u64(), try u64())
            let n = try count(rows)
            guard n == rows else { throw Short() }
            var order = [Int]()
            order.reserveCapacity(n)
            for _ in 0..<n {
                let i = try i64()
                guard (0..<rows).contains(i) else { throw Short() }
                order.append(i)
            }
            var stopping: TrainingState<T>.EarlyStoppingState? = nil
            if try take(1).first == 1 {
                let loss = Double(bitPattern: try u64()), best = try i64(), stale = try i64()
                stopping = .init(bestLoss: loss, bestEpoch: best, stale: stale, bestParameters: try scalars(),
                                 bestStatistics: version2 ? try scalars() : [])
            }
            // A version-1 file's run has no dropout: its stream's state is never drawn from.
            var statistics = [T](), dropout = Xoshiro256StarStar(seed: 0, stream: .dropout).state
            if version2 {
                statistics = try scalars()
                dropout = (try u64(), try u64(), try u64(), try u64())
            }
            let metrics = String(decoding: try take(try count(body - at)), as: UTF8.self)
            guard at == body, epoch >= 0 else { throw Short() }
            let state = TrainingState(epoch: epoch, parameters: params, optimizerBuffers: buffers, optimizerSteps: steps < 0 ? nil : steps,
                                      shuffling: shuffling, order: order, earlyStopping: stopping, statistics: statistics, dropout: dropout)
            return .success(Saved(state: state, seconds: seconds, metrics: metrics))
        } catch {
            return .failure(.damaged("its lengths do not add up"))
        }
    }

    struct Short: Error {}

    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBufferPointer { buffer in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in buffer { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            return h
        }
    }
}

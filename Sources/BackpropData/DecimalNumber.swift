/// A number as a data file may write it, and nothing else: an optional sign, digits with an
/// optional fraction (or a fraction alone), an optional exponent. Swift's `Double(String)`
/// also reads hexadecimal floats (`0x1p3` is 8), `inf`, `nan` and `infinity`: a data file
/// meaning none of them gets an error instead of a value it did not say.
public enum DecimalNumber {
    /// The value of `text`; nil when it is not a decimal number or its value is not finite
    /// (`1e999`).
    public static func parse(_ text: some StringProtocol) -> Double? {
        guard isDecimal(text.utf8), let v = Double(String(text)), v.isFinite else { return nil }
        return v
    }

    /// Whether the bytes follow the grammar above.
    public static func isDecimal(_ bytes: some Collection<UInt8>) -> Bool {
        var i = bytes.startIndex
        func digits() -> Int {
            var n = 0
            while i != bytes.endIndex, bytes[i] >= 0x30, bytes[i] <= 0x39 { bytes.formIndex(after: &i); n += 1 }
            return n
        }
        if i != bytes.endIndex, bytes[i] == 0x2B || bytes[i] == 0x2D { bytes.formIndex(after: &i) }
        var mantissa = digits()
        if i != bytes.endIndex, bytes[i] == 0x2E {
            bytes.formIndex(after: &i)
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if i != bytes.endIndex, bytes[i] == 0x65 || bytes[i] == 0x45 {
            bytes.formIndex(after: &i)
            if i != bytes.endIndex, bytes[i] == 0x2B || bytes[i] == 0x2D { bytes.formIndex(after: &i) }
            guard digits() > 0 else { return false }
        }
        return i == bytes.endIndex
    }
}

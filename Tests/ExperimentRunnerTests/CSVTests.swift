import ExperimentRunner
import Testing

@Suite struct CSVTests {
    @Test func quotesOnlyWhatNeedsIt() {
        #expect(CSV.line(["a", "b,c", "say \"hi\"", "x\ny", ""]) == "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",\n")
    }

    @Test func roundTripsFieldsAndNumbers() {
        let values: [Double] = [0.1, 1.0 / 3, 1e-300, 123456789.123456789, -0.0, 5e-324, 2.5e15]
        let rows = [["run_id", "value"]] + values.map { ["lr=0.2,units=8,seed=2", CSV.number($0)] } + [["quote \"q\"", "nan"]]
        let text = rows.map(CSV.line).joined()
        let parsed = CSV.parse(text)
        #expect(parsed == rows)
        // Shortest round-trip form: reading the text back gives the same bits.
        for (i, v) in values.enumerated() { #expect(Double(parsed[i + 1][1])!.bitPattern == v.bitPattern) }
        #expect(CSV.number(nil) == "" && CSV.number(.infinity) == "inf" && CSV.number(.nan) == "nan")
    }
}

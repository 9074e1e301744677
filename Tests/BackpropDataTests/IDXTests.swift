import BackpropCore
import BackpropData
import Testing
import TestSupport

@Suite struct IDXTests {
    let dir = temporaryDirectory()

    func error(_ bytes: [UInt8]) -> String? {
        let path = writeFile(bytes, to: dir + "/bad-idx")
        do {
            let r = try IDXReader(path: path)
            if r.dimensions.count == 1 { _ = try r.labels() } else { try r.readItems(as: Double.self) { _ in nil } }
            return nil
        } catch { return error.description.replacingOccurrences(of: dir + "/", with: "") }
    }

    @Test(arguments: [false, true])
    func readsImagesPlainAndGzipped(_ gzip: Bool) throws {
        // 3 images of 2x2 pixels.
        let path = writeFile(idxBytes(dimensions: [3, 2, 2], values: Array(0..<12).map { UInt8($0 * 20) }),
                             to: dir + "/images" + (gzip ? ".gz" : ""), gzip: gzip)
        let r = try IDXReader(path: path)
        #expect(r.dimensions == [3, 2, 2] && r.count == 3 && r.itemSize == 4)
        var m = Matrix<Float>(rows: 2, columns: 4)
        try m.elements.withUnsafeMutableBufferPointer { p in
            // Items 0 and 2 only; item 1 is skipped.
            try r.readItems(as: Float.self) { i in i == 1 ? nil : p.baseAddress! + (i / 2) * 4 }
        }
        #expect(m.nested == [[0, 20, 40, 60], [160, 180, 200, 220]])
    }

    @Test func readsLabels() throws {
        let r = try IDXReader(path: writeFile(idxBytes(dimensions: [4], values: [9, 0, 3, 9]), to: dir + "/labels.gz", gzip: true))
        #expect(try r.labels() == [9, 0, 3, 9])
    }

    @Test func malformedFiles() {
        #expect(error([]) == "bad-idx: truncated: the magic number needs 4 bytes, the file ends after 0")
        #expect(error([0x1F, 0x00, 0x08, 0x01]) == "bad-idx: not an IDX file: bad magic number 0x1F000801")
        #expect(error([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]) == "bad-idx: IDX element type 0x0D is not supported (only 0x08, unsigned bytes)")
        #expect(error([0, 0, 8, 1, 0, 0]) == "bad-idx: truncated: the header needs 4 bytes, the file ends after 2")
        #expect(error(idxBytes(dimensions: [5], values: [1, 2, 3])) == "bad-idx: truncated: 5 labels needs 5 bytes, the file ends after 3")
        #expect(error(idxBytes(dimensions: [2, 2, 2], values: [1, 2, 3, 4, 5])) == "bad-idx: truncated: items 1-2 of 2 needs 8 bytes, the file ends after 5")
        #expect(error(idxBytes(dimensions: [0, 28, 28], values: [])) == "bad-idx: IDX dimensions 0 x 28 x 28 are empty or impossibly large")
    }
}

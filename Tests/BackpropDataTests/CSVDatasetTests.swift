import BackpropCore
import BackpropData
import Testing
import TestSupport

@Suite struct CSVDatasetTests {
    let dir = temporaryDirectory()

    func load(_ text: String, target: String = "y", features: [String]? = nil, classification: Bool = true,
              gzip: Bool = false) throws(DataError) -> CSVDataset {
        let path = writeFile(text, to: dir + "/data.csv" + (gzip ? ".gz" : ""), gzip: gzip)
        return try CSVDataset(path: path, target: target, features: features, classification: classification)
    }

    func error(_ text: String, target: String = "y", features: [String]? = nil, classification: Bool = true) -> String? {
        do { _ = try load(text, target: target, features: features, classification: classification); return nil } catch {
            return error.description.replacingOccurrences(of: dir + "/", with: "")
        }
    }

    @Test func stringLabelsAreSortedClasses() throws {
        let d = try load("a,b,y\n1,2,setosa\n3,4,virginica\n5,6,setosa\n")
        #expect(d.inputs.nested == [[1, 2], [3, 4], [5, 6]])
        #expect(d.featureNames == ["a", "b"])
        #expect(d.target == .classes(labels: [0, 1, 0], names: ["setosa", "virginica"]))
    }

    @Test func integerLabelsSortNumerically() throws {
        let d = try load("x,y\n1,10\n2,9\n3,10\n4,2\n")
        #expect(d.target == .classes(labels: [2, 1, 2, 0], names: ["2", "9", "10"]))
    }

    @Test func quotedFieldsCRLFAndFeatureSelection() throws {
        let d = try load("\"first, name\",y,\"b\"\r\n\"1.5\",\"say \"\"hi\"\"\", 2 \r\n3,x,4\r\n", features: ["b", "first, name"])
        #expect(d.inputs.nested == [[2, 1.5], [4, 3]])
        #expect(d.target == .classes(labels: [0, 1], names: ["say \"hi\"", "x"]))
    }

    @Test func regressionTargetAndGzip() throws {
        let d = try load("x,y\n1,0.5\n2,-1e3\n", classification: false, gzip: true)
        #expect(d.target == .values([0.5, -1000]))
    }

    @Test func malformedFilesNameTheLineAndColumn() {
        #expect(error("") == "data.csv: is empty: a header row and data rows are needed")
        #expect(error("a,y\n") == "data.csv: has a header but no data rows")
        #expect(error("a,y\n1,0\n2,x,3\n") == "data.csv:3:1: 3 fields where the header has 2")
        #expect(error("a,b,y\n1,2,0\n1,abc,0\n") == "data.csv:3:3: \"b\" is \"abc\", not a number")
        #expect(error("a,b,y\n1,,0\n") == "data.csv:2:3: \"b\" is missing")
        #expect(error("a,b,y\n1,nan,0\n") == "data.csv:2:3: \"b\" is \"nan\"; values must be finite")
        #expect(error("a,y\n1,\n") == "data.csv:2:3: the target \"y\" is missing")
        #expect(error("a,y\n1,\"open\n") == "data.csv:2:3: a quoted field never closes")
        #expect(error("a,y\n1,\"q\"x\n") == "data.csv:2:6: text after a closing quote")
        #expect(error("a,y\n1,0\n", target: "label") == "data.csv: no target column \"label\"; the columns are \"a\", \"y\"")
        #expect(error("a,y\n1,0\n", features: ["a", "c"]) == "data.csv: no feature column \"c\"; the columns are \"a\", \"y\"")
        #expect(error("a,a,y\n1,2,0\n") == "data.csv:1:3: column \"a\" appears twice in the header")
        #expect(error("a,y\n1,setosa\n", classification: false) == "data.csv:2:3: \"y\" is \"setosa\", not a number")
    }

    @Test func missingFile() {
        #expect(throws: DataError(file: dir + "/nope.csv", message: "cannot open: No such file or directory")) {
            try CSVDataset(path: dir + "/nope.csv", target: "y", features: nil, classification: true)
        }
    }

    /// The shipped copies: shapes and classes as SOURCES.md lists them.
    @Test(arguments: [("iris.csv", "species", 150, 4, 3), ("wine.csv", "cultivar", 178, 13, 3),
                      ("breast_cancer.csv", "diagnosis", 569, 30, 2), ("digits.csv", "digit", 1797, 64, 10)])
    func shippedDatasets(_ file: String, _ target: String, _ rows: Int, _ features: Int, _ classes: Int) throws {
        let d = try CSVDataset(path: packageRoot + "/experiments/data/" + file, target: target, features: nil, classification: true)
        #expect(d.inputs.rows == rows && d.inputs.columns == features)
        guard case let .classes(labels, names) = d.target else { Issue.record("not classes"); return }
        #expect(names.count == classes && Set(labels).count == classes)
    }
}

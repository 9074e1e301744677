import BackpropCore
import Foundation
import Testing

/// A large Matrix asks Linux for 2 MiB pages before it is filled (`LargePages`): the advice
/// shows as the `hg` flag of its mapping in /proc/self/smaps, whether or not the kernel then
/// grants such pages. Either way the matrix holds its value everywhere.
@Suite struct LargePagesTests {
    /// The VmFlags of the mapping that holds `address`, from /proc/self/smaps.
    func mappingFlags(at address: UInt) -> [String]? {
        // Line by line with fgets: /proc files report a size of 0, which Foundation's
        // whole-file readers trust.
        guard let file = fopen("/proc/self/smaps", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 4096)
        var inside = false
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let line = String(cString: buffer).trimmingCharacters(in: .newlines)
            if let dash = line.firstIndex(of: "-"), let space = line.firstIndex(of: " "), dash < space,
               let low = UInt(line[..<dash], radix: 16), let high = UInt(line[line.index(after: dash)..<space], radix: 16) {
                inside = low <= address && address < high
            } else if inside && line.hasPrefix("VmFlags:") {
                return line.dropFirst("VmFlags:".count).split(separator: " ").map(String.init)
            }
        }
        return nil
    }

    @Test func aLargeMatrixIsAdvisedAndHoldsItsValue() throws {
        let m = Matrix<Float>(rows: 4096, columns: 1024, repeating: 0.5)  // 16 MiB
        #expect(m.elements.count == 4096 * 1024)
        #expect(m.elements.allSatisfy { $0 == 0.5 })
        #if os(Linux)
        // Without transparent huge pages in the kernel there is nothing to advise.
        if FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled") {
            // Kept alive past its last use: freed, its mapping would be gone.
            try withExtendedLifetime(m) {
                let middle = m.elements.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress! + $0.count / 2) }
                let flags = try #require(mappingFlags(at: middle))
                #expect(flags.contains("hg"), "VmFlags \(flags)")
            }
        }
        #endif
    }

    /// Both sides of the size threshold (8 MiB), in both precisions, with an odd element count.
    @Test(arguments: [1, 1_048_575, 1_048_577, 2_097_153])
    func everySizeHoldsItsValue(_ count: Int) {
        let d = Matrix<Double>(rows: count, columns: 1, repeating: -2.25)
        #expect(d.elements.count == count && d.elements.allSatisfy { $0 == -2.25 })
        let f = Matrix<Float>(rows: 1, columns: count, repeating: 3)
        #expect(f.elements.count == count && f.elements.allSatisfy { $0 == 3 })
    }
}

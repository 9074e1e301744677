/// Text for a POSIX shell (bash, sh): the one function through which a value reaches a shell
/// line this program writes (an sbatch script, a "reproduce this" command on a page), and the
/// check for what must never reach a script line at all.
public enum Shell {
    /// `s` as one shell word, single-quoted: the shell expands nothing inside (no `$`, no
    /// backquote, no glob, no line break ends it), and `'` is written `'\''`.
    public static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The first control character of `s` (C0, DEL or C1), named as U+XXXX; nil when it has none.
    /// A value with one is refused before it reaches a script, where a line break starts a
    /// command of its own (and in an `#SBATCH` line no quoting helps).
    public static func controlCharacter(in s: String) -> String? {
        guard let c = s.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else { return nil }
        let hex = String(c.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

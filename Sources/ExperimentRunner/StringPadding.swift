extension String {
    /// The string right-aligned in `width` characters (never cut).
    func leftPad(_ width: Int, with pad: Character = " ") -> String { String(repeating: pad, count: max(0, width - count)) + self }
}

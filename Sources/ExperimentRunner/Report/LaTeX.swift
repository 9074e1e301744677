/// Text for LaTeX: the one escaping function every label written into a .tex file goes
/// through. The ten characters LaTeX gives a meaning (`\ { } % & # $ _ ~ ^`) become the
/// commands that print them; control characters become a space; characters beyond Latin-1,
/// which pdflatex's default input encoding may not know, become `?`.
public enum LaTeX {
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\textbackslash{}"
            case "{": out += "\\{"
            case "}": out += "\\}"
            case "%": out += "\\%"
            case "&": out += "\\&"
            case "#": out += "\\#"
            case "$": out += "\\$"
            case "_": out += "\\_"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            // <, > and | print as other glyphs in LaTeX's default (OT1) font encoding.
            case "<": out += "\\textless{}"
            case ">": out += "\\textgreater{}"
            case "|": out += "\\textbar{}"
            default:
                if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) { out += " " }
                else if scalar.value > 0xFF { out += "?" }
                else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

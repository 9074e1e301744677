/// backprop's version, as `backprop --version` prints it.
public enum BackpropVersion {
    public static let string = "0.5.0"
}

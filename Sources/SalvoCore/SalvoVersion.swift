/// salvo's version, shown by `--version` and sent as `User-Agent: salvo/VERSION`.
public enum SalvoVersion {
    public static let current = "0.1.0"
}

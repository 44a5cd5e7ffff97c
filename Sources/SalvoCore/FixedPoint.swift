/// Numbers with a fixed count of decimals, formatted without Foundation's `String(format:)`, which is slow
/// enough to show in a profile of exports and runs that format a duration per row.
public enum FixedPoint {
    /// `value` with three decimals, rounded half away from zero: `12.3456` → `12.346`. Not-finite values
    /// give `0.000`.
    public static func three(_ value: Double) -> String {
        guard value.isFinite else { return "0.000" }
        let scaled = (value.magnitude * 1000).rounded()
        guard scaled < 9e15 else { return String(value) }
        let thousandths = Int64(scaled)
        let fraction = String(thousandths % 1000)
        let sign = value < 0 && thousandths != 0 ? "-" : ""
        return sign + String(thousandths / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

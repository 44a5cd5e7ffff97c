import Foundation

/// The HTML report's charts, as inline SVG bars with a `<title>` on each (a tooltip, and text for a screen reader).
enum HTMLCharts {
    static let width = 480.0
    static let height = 120.0
    static let bins = 24

    /// How answered launches spread over latency: `bins` equal buckets from 0 to the slowest.
    static func histogram(_ sorted: [Double]) -> String {
        guard let slowest = sorted.last, slowest > 0 else { return "<p class=\"empty\">no answered launches</p>\n" }
        let step = slowest / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        for value in sorted { counts[min(bins - 1, Int(value / step))] += 1 }
        let labels = (0..<bins).map { index in
            "\(FixedPoint.three(Double(index) * step))-\(FixedPoint.three(Double(index + 1) * step)) ms: \(counts[index])"
        }
        return bars(counts, labels: labels, left: "0", right: FixedPoint.three(slowest) + " ms", name: "latency")
    }

    /// Launches per second in each bucket of `bucketSeconds` from the run's start.
    static func timeline(_ counts: [Int], bucketSeconds: Double) -> String {
        guard counts.contains(where: { $0 > 0 }) else { return "<p class=\"empty\">no launches</p>\n" }
        let rates = counts.map { Double($0) / bucketSeconds }
        let labels = rates.indices.map { index in
            "\(seconds(Double(index) * bucketSeconds))-\(seconds(Double(index + 1) * bucketSeconds)) s: "
                + "\(String(format: "%.1f", rates[index]))/s"
        }
        let peak = String(format: "%.1f", rates.max() ?? 0)
        return bars(
            counts, labels: labels, left: "0 s", right: "\(seconds(Double(counts.count) * bucketSeconds)) s",
            name: "rate", middle: "peak \(peak)/s")
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A bar chart of `counts`, scaled to the tallest, with labels under its ends (and its middle).
    private static func bars(
        _ counts: [Int], labels: [String], left: String, right: String, name: String, middle: String? = nil
    ) -> String {
        let tallest = Double(max(1, counts.max() ?? 1))
        let slot = width / Double(counts.count)
        let gap = slot > 4 ? 1.0 : 0
        var svg = "<svg class=\"chart \(name)\" viewBox=\"0 0 \(Int(width)) \(Int(height + 18))\" role=\"img\" "
        svg += "aria-label=\"\(name)\">\n"
        for (index, count) in counts.enumerated() where count > 0 {
            let barHeight = max(1, height * Double(count) / tallest)
            svg += "<rect x=\"\(format(Double(index) * slot))\" y=\"\(format(height - barHeight))\" "
            svg += "width=\"\(format(max(0.5, slot - gap)))\" height=\"\(format(barHeight))\">"
            svg += "<title>\(HTMLReport.escape(labels[index]))</title></rect>\n"
        }
        svg += "<line x1=\"0\" y1=\"\(Int(height))\" x2=\"\(Int(width))\" y2=\"\(Int(height))\"/>\n"
        svg += "<text x=\"0\" y=\"\(Int(height + 14))\">\(HTMLReport.escape(left))</text>\n"
        svg += "<text x=\"\(Int(width))\" y=\"\(Int(height + 14))\" text-anchor=\"end\">"
        svg += "\(HTMLReport.escape(right))</text>\n"
        if let middle {
            svg += "<text x=\"\(Int(width / 2))\" y=\"\(Int(height + 14))\" text-anchor=\"middle\">"
            svg += "\(HTMLReport.escape(middle))</text>\n"
        }
        return svg + "</svg>\n"
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

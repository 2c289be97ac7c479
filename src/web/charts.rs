//! Charts drawn on the server as SVG, readable without JavaScript; every page that shows one
//! also shows its numbers as a table.

/// A horizontal bar chart as SVG, readable without JavaScript (the numbers are in the table
/// beside it too).
pub fn bar_chart(bars: &[(String, usize)], label: &str) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let row = 28;
    let height = bars.len() * row + 10;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 640 {height}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    for (i, (name, count)) in bars.iter().enumerate() {
        let y = i * row + 5;
        let width = 380 * count / max;
        svg.push_str(&format!(
            r##"<text x="0" y="{}" font-size="13" fill="#1f2933">{}</text><rect x="220" y="{y}" width="{width}" height="20" fill="#0b7a75"><title>{}: {count}</title></rect><text x="{}" y="{}" font-size="13" fill="#1f2933">{count}</text>"##,
            y + 15,
            escape(name),
            escape(name),
            226 + width,
            y + 15,
        ));
    }
    svg.push_str("</svg>");
    svg
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

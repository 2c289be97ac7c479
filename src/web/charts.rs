//! Charts drawn on the server as SVG, readable without JavaScript; every page that shows one
//! also shows its numbers as a table.

/// The chart's width in SVG units; it scales to the page's width, a phone's included.
const WIDTH: f64 = 400.0;
/// The width of a character of the text, a little more than most are, to keep text inside.
const CHAR_WIDTH: f64 = 8.0;
/// The shortest a chart's longest bar gets, however long the values' texts are.
const MIN_BAR_ROOM: f64 = 120.0;
/// The height of one row: the name above, the bar and its value below it.
const ROW: f64 = 44.0;
/// The height of one line of a legend.
const LEGEND_LINE: f64 = 20.0;
const FONT: &str = r#"font-size="14""#;
/// Characters of a name that fit on a row; longer names are cut (the table has them whole).
const NAME_ROOM: usize = 50;
const INK: &str = "#1f2933";
const ACCENT: &str = "#0b7a75";

/// One bar: its name, its size and the text written beside it (a count, an amount of money, a
/// percentage).
pub struct Bar {
    pub name: String,
    pub value: f64,
    pub text: String,
}

/// One part of a stacked bar's whole, for the legend and the colours.
pub struct Series {
    pub name: String,
    pub colour: &'static str,
}

/// Colours for stacked bars that stay apart for people who do not see red and green apart.
pub const PALETTE: [&str; 4] = [ACCENT, "#f0b429", "#9aa5b1", "#7b4fa0"];

/// A horizontal bar chart of counts, readable without JavaScript (the numbers are in the table
/// beside it too).
pub fn bar_chart(bars: &[(String, usize)], label: &str) -> String {
    let bars: Vec<Bar> = bars
        .iter()
        .map(|(name, count)| Bar {
            name: name.clone(),
            value: *count as f64,
            text: count.to_string(),
        })
        .collect();
    labelled_bars(&bars, label)
}

/// A horizontal bar chart whose bars carry their own text, such as money written the viewer's
/// way.
pub fn labelled_bars(bars: &[Bar], label: &str) -> String {
    draw(bars, label, |_, _| 0.0)
}

/// A funnel: each step's bar centred under the one before, so that the narrowing shows.
pub fn funnel(steps: &[Bar], label: &str) -> String {
    draw(steps, label, |width, room| (room - width) / 2.0)
}

/// Rows of a name over a bar, each bar moved right by `indent(width, longest)`.
fn draw(bars: &[Bar], label: &str, indent: impl Fn(f64, f64) -> f64) -> String {
    let room = bar_room(bars.iter().map(|b| b.text.as_str()));
    let max = largest(bars.iter().map(|b| b.value));
    let mut svg = open(label, bars.len() as f64 * ROW + 6.0);
    for (i, bar) in bars.iter().enumerate() {
        let y = i as f64 * ROW;
        let width = room * bar.value.max(0.0) / max;
        let x = indent(width, room);
        svg.push_str(&name_text(&bar.name, y));
        svg.push_str(&format!(
            r#"<rect x="{x:.1}" y="{}" width="{width:.1}" height="16" fill="{ACCENT}"><title>{}: {}</title></rect>"#,
            y + 21.0,
            escape(&bar.name),
            escape(&bar.text),
        ));
        svg.push_str(&value_text(&bar.text, x + width + 6.0, y));
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars made of parts (for example meetings held, missed and still to come), with a
/// legend above, a line per part; each row's total is written after it.
pub fn stacked_bars(rows: &[(String, Vec<u64>)], series: &[Series], label: &str) -> String {
    let max = largest(
        rows.iter()
            .map(|(_, parts)| parts.iter().sum::<u64>() as f64),
    );
    let totals: Vec<String> = rows
        .iter()
        .map(|(_, parts)| parts.iter().sum::<u64>().to_string())
        .collect();
    let room = bar_room(totals.iter().map(String::as_str));
    let legend = series.len() as f64 * LEGEND_LINE + 6.0;
    let mut svg = open(label, legend + rows.len() as f64 * ROW + 6.0);
    for (i, s) in series.iter().enumerate() {
        let y = i as f64 * LEGEND_LINE;
        svg.push_str(&format!(
            r#"<rect x="0" y="{}" width="14" height="14" fill="{}"/><text x="20" y="{}" {FONT} fill="{INK}">{}</text>"#,
            y + 3.0,
            s.colour,
            y + 15.0,
            escape(&s.name),
        ));
    }
    for (i, (name, parts)) in rows.iter().enumerate() {
        let y = legend + i as f64 * ROW;
        svg.push_str(&name_text(name, y));
        let mut x = 0.0;
        for (part, s) in parts.iter().zip(series) {
            let width = room * *part as f64 / max;
            if width > 0.0 {
                svg.push_str(&format!(
                    r#"<rect x="{x:.1}" y="{}" width="{width:.1}" height="16" fill="{}"><title>{}, {}: {part}</title></rect>"#,
                    y + 21.0,
                    s.colour,
                    escape(name),
                    escape(&s.name),
                ));
            }
            x += width;
        }
        svg.push_str(&value_text(&totals[i], x + 6.0, y));
    }
    svg.push_str("</svg>");
    svg
}

/// The longest a bar may be so that the longest of `texts` still fits after it.
fn bar_room<'a>(texts: impl Iterator<Item = &'a str>) -> f64 {
    let longest = texts.map(|t| t.chars().count()).max().unwrap_or(0);
    (WIDTH - 6.0 - CHAR_WIDTH * longest as f64).max(MIN_BAR_ROOM)
}

/// The largest value, at least 1 so that empty charts draw no bars rather than dividing by 0.
fn largest(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, f64::max).max(1.0)
}

fn open(label: &str, height: f64) -> String {
    format!(
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    )
}

/// A row's name, above its bar.
fn name_text(name: &str, y: f64) -> String {
    let shown: String = if name.chars().count() > NAME_ROOM {
        let cut: String = name.chars().take(NAME_ROOM - 1).collect();
        format!("{cut}…")
    } else {
        name.to_owned()
    };
    format!(
        r#"<text x="0" y="{}" {FONT} fill="{INK}">{}</text>"#,
        y + 15.0,
        escape(&shown)
    )
}

/// A row's value, after its bar.
fn value_text(text: &str, x: f64, y: f64) -> String {
    format!(
        r#"<text x="{x:.1}" y="{}" {FONT} fill="{INK}">{}</text>"#,
        y + 34.0,
        escape(text)
    )
}

/// Text made safe inside SVG or HTML markup.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_names_are_escaped() {
        let svg = bar_chart(&[("A & B".into(), 2), ("C".into(), 4)], "Count <all>");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"aria-label="Count &lt;all&gt;""#));
        assert!(svg.contains("A &amp; B"));
        assert!(
            svg.contains(r#"width="193.0""#),
            "half of the longest: {svg}"
        );
        assert!(
            svg.contains(r#"width="386.0""#),
            "as long as the text leaves room for"
        );
    }

    #[test]
    fn a_funnel_centres_its_steps_and_stacks_add_up() {
        let steps = [
            Bar {
                name: "Held".into(),
                value: 4.0,
                text: "4 (100%)".into(),
            },
            Bar {
                name: "MoU".into(),
                value: 1.0,
                text: "1 (25%)".into(),
            },
        ];
        let svg = funnel(&steps, "Funnel");
        assert!(svg.contains(r#"x="123.8" y="65" width="82.5""#), "{svg}");
        let series = [
            Series {
                name: "held".into(),
                colour: PALETTE[0],
            },
            Series {
                name: "missed".into(),
                colour: PALETTE[1],
            },
        ];
        let svg = stacked_bars(&[("Forum".into(), vec![3, 1])], &series, "Meetings");
        assert!(svg.contains("Forum, missed: 1"));
        assert!(svg.contains(">4</text>"), "the total: {svg}");
        assert_eq!(
            stacked_bars(&[], &series, "none").matches("<rect").count(),
            2
        );
    }
}

//! Usage charts as SVG text, drawn from a series the same way on the
//! server and in the browser: stacked bars of calls by status class, and
//! lines of latency percentiles. Colours come from CSS classes, so themes
//! set them with custom properties. Each chart is an image with a title
//! and a description; the page puts a table of the same figures beside it.

use std::fmt::Write as _;

use super::model::{Point, Series};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
/// Room for the y axis's labels on the left and the x axis's below.
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;
const CLASSES: [&str; 4] = ["2xx", "3xx", "4xx", "5xx"];

/// Which percentile of a point a line draws.
type Pick = fn(&Point) -> Option<u64>;

/// The smallest of 1, 2 or 5 times a power of ten at or above `max`.
pub fn nice_max(max: f64) -> f64 {
    if max <= 1.0 {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|step| step * power)
        .find(|top| *top >= max)
        .unwrap_or(10.0 * power)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The frame: title and description, the y axis from 0 to `top` with a
/// grid line at the half, and the first, middle and last step's labels.
fn frame(
    out: &mut String,
    id: &str,
    title: &str,
    desc: &str,
    top: f64,
    unit: &str,
    series: &Series,
) {
    let plot_h = HEIGHT - BOTTOM - TOP;
    let _ = write!(
        out,
        "<svg class=\"chart__svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" preserveAspectRatio=\"xMidYMid meet\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    for (fraction, value) in [(0.0, 0.0), (0.5, top / 2.0), (1.0, top)] {
        let y = TOP + plot_h * (1.0 - fraction);
        let _ = write!(
            out,
            "<line class=\"chart__grid\" x1=\"{LEFT}\" x2=\"{WIDTH}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"chart__label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}{unit}</text>",
            LEFT - 6.0,
            y + 4.0,
            number(value)
        );
    }
    let n = series.points.len();
    if n > 0 {
        let step = (WIDTH - LEFT) / n as f64;
        for (i, anchor) in [(0, "start"), (n / 2, "middle"), (n - 1, "end")] {
            let x = match anchor {
                "start" => LEFT,
                "end" => WIDTH,
                _ => LEFT + step * (i as f64 + 0.5),
            };
            let label = series.span.step_label(&series.points[i].start);
            let _ = write!(
                out,
                "<text class=\"chart__label\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                HEIGHT - 8.0,
                escape(&label)
            );
        }
    }
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// Calls per step as bars stacked by status class.
pub fn requests_svg(series: &Series, title: &str) -> String {
    let max = series.points.iter().map(|p| p.requests).max().unwrap_or(0);
    let top = nice_max(max as f64);
    let desc = format!(
        "{} calls in the {}, {} of them errors; the busiest step had {max}.",
        series.total.requests,
        series.span.label(),
        series.total.errors
    );
    let mut out = String::new();
    frame(&mut out, "usage-requests", title, &desc, top, "", series);
    let plot_h = HEIGHT - BOTTOM - TOP;
    let step = (WIDTH - LEFT) / series.points.len().max(1) as f64;
    let bar = (step * 0.8).max(1.0);
    for (i, point) in series.points.iter().enumerate() {
        let x = LEFT + step * i as f64 + (step - bar) / 2.0;
        let mut base = TOP + plot_h;
        for (class, count) in CLASSES.iter().zip(point.by_class) {
            if count <= 0 {
                continue;
            }
            let h = plot_h * count as f64 / top;
            base -= h;
            let _ = write!(
                out,
                "<rect class=\"chart__bar chart__bar--{class}\" x=\"{x:.1}\" y=\"{base:.1}\" \
                 width=\"{bar:.1}\" height=\"{h:.1}\"/>"
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Latency percentiles (p50 and p95, ms) per step, as lines broken where
/// a step had no calls.
pub fn latency_svg(series: &Series, title: &str) -> String {
    let max = series
        .points
        .iter()
        .filter_map(|p| p.p95_ms)
        .max()
        .unwrap_or(0);
    let top = nice_max(max as f64);
    let desc = match (series.total.p50_ms, series.total.p95_ms) {
        (Some(p50), Some(p95)) => format!(
            "Over the {}, half the calls took {p50} ms or less and 95 in 100 took {p95} ms or less.",
            series.span.label()
        ),
        _ => format!("No calls in the {}.", series.span.label()),
    };
    let mut out = String::new();
    frame(&mut out, "usage-latency", title, &desc, top, " ms", series);
    let plot_h = HEIGHT - BOTTOM - TOP;
    let step = (WIDTH - LEFT) / series.points.len().max(1) as f64;
    let lines: [(&str, Pick); 2] = [("p50", |p| p.p50_ms), ("p95", |p| p.p95_ms)];
    for (name, pick) in lines {
        let mut path = String::new();
        let mut joined = false;
        for (i, point) in series.points.iter().enumerate() {
            let Some(ms) = pick(point) else {
                joined = false;
                continue;
            };
            let x = LEFT + step * (i as f64 + 0.5);
            let y = TOP + plot_h * (1.0 - ms as f64 / top);
            let _ = write!(path, "{}{x:.1} {y:.1} ", if joined { "L" } else { "M" });
            joined = true;
            let _ = write!(
                out,
                "<circle class=\"chart__dot chart__dot--{name}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.5\"/>"
            );
        }
        if !path.is_empty() {
            let _ = write!(
                out,
                "<path class=\"chart__line chart__line--{name}\" d=\"{}\"/>",
                path.trim_end()
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::model::{Scope, Span};

    fn series(counts: &[(i64, Option<u64>)]) -> Series {
        let points: Vec<Point> = counts
            .iter()
            .enumerate()
            .map(|(i, (n, p95))| Point {
                start: format!("2026-12-02T10:{i:02}:00Z"),
                requests: *n,
                by_class: [*n - 1.min(*n), 0, 1.min(*n), 0],
                errors: 1.min(*n),
                p50_ms: p95.map(|_| 1),
                p95_ms: *p95,
                mean_ms: None,
            })
            .collect();
        Series {
            scope: Scope::App(1),
            span: Span::Hour,
            total: Point {
                requests: counts.iter().map(|c| c.0).sum(),
                ..Point::default()
            },
            points,
        }
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(11.0), 20.0);
        assert_eq!(nice_max(250.0), 500.0);
        assert_eq!(nice_max(1000.0), 1000.0);
    }

    #[test]
    fn bars_stack_by_class_and_the_image_is_described() {
        let svg = requests_svg(&series(&[(4, Some(5)), (0, None), (10, Some(25))]), "Calls");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"usage-requests-title\">Calls</title>"));
        assert!(svg.contains("14 calls in the last hour"));
        // Two steps with calls, each a 2xx and a 4xx bar; none for the empty one.
        assert_eq!(svg.matches("chart__bar--2xx").count(), 2);
        assert_eq!(svg.matches("chart__bar--4xx").count(), 2);
        assert!(svg.contains(">10:00<") && svg.contains(">10:02<"));
    }

    #[test]
    fn latency_lines_break_where_no_call_was_made() {
        let svg = latency_svg(
            &series(&[(4, Some(5)), (0, None), (10, Some(25))]),
            "Latency",
        );
        let p95 = svg.split("chart__line--p95\" d=\"").nth(1).unwrap();
        let d = &p95[..p95.find('"').unwrap()];
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert!(!d.contains('L'));
        assert!(svg.contains("50 ms"), "the axis ends at 50 ms: {svg}");
    }
}

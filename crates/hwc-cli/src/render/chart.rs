//! The trend chart: issue counts per scan over time, stacked by severity, as SVG or PNG, its
//! time axis at round instants ([`ticks`]).

mod ticks;

use std::path::Path;

use jiff::Timestamp;
use plotters::prelude::*;

/// Severity names, bottom layer first, and their colours.
pub const SEVERITIES: [(&str, RGBColor); 4] = [
    ("critical", RGBColor(192, 0, 0)),
    ("serious", RGBColor(237, 125, 49)),
    ("normal", RGBColor(255, 192, 0)),
    ("prompt", RGBColor(91, 155, 213)),
];

/// A chart file to write.
#[derive(Clone, Copy, Debug)]
pub enum ChartFile<'a> {
    /// Scalable, with text as text.
    Svg(&'a Path),
    /// A bitmap.
    Png(&'a Path),
}

impl<'a> ChartFile<'a> {
    /// Where `trend` asks the chart to go (`--svg` before `--png`), if anywhere.
    pub fn of(svg: Option<&'a Path>, png: Option<&'a Path>) -> Option<Self> {
        match (svg, png) {
            (Some(path), _) => Some(ChartFile::Svg(path)),
            (None, Some(path)) => Some(ChartFile::Png(path)),
            (None, None) => None,
        }
    }

    /// The file to write.
    pub fn path(self) -> &'a Path {
        match self {
            ChartFile::Svg(path) | ChartFile::Png(path) => path,
        }
    }

    /// Writes the chart of `points` (oldest first).
    pub fn write(self, title: &str, points: &[Point]) -> Result<&'a Path, String> {
        match self {
            ChartFile::Svg(path) => write_svg(path, title, points).map(|()| path),
            ChartFile::Png(path) => write_png(path, title, points).map(|()| path),
        }
    }
}

/// One scan: when it started and its counts, in [`SEVERITIES`] order.
pub type Point = (Timestamp, [i64; 4]);

/// The font every label is drawn with, embedded so that no system font is needed
/// (DejaVu Sans; licence in `assets/LICENSE-DejaVu.txt`).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

fn register_font() -> Result<(), String> {
    static REGISTERED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
                .map_err(|_| "the embedded font cannot be read".to_owned())
        })
        .clone()
}

/// Draws `points` (oldest first) to an SVG file.
pub fn write_svg(path: &Path, title: &str, points: &[Point]) -> Result<(), String> {
    register_font()?;
    draw(
        SVGBackend::new(path, SIZE).into_drawing_area(),
        path,
        title,
        points,
    )
}

/// Draws `points` (oldest first) to a PNG file.
pub fn write_png(path: &Path, title: &str, points: &[Point]) -> Result<(), String> {
    register_font()?;
    draw(
        BitMapBackend::new(path, SIZE).into_drawing_area(),
        path,
        title,
        points,
    )
}

const SIZE: (u32, u32) = (1100, 520);

/// The largest count the axis shows (far beyond any real scan, well within plotters' range).
const MAX_AXIS: i64 = 1 << 50;

/// The sum of the first `layers` counts, negative ones as 0, saturating.
fn stacked(counts: &[i64; 4], layers: usize) -> i64 {
    counts
        .iter()
        .take(layers)
        .fold(0i64, |sum, &count| sum.saturating_add(count.max(0)))
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    path: &Path,
    title: &str,
    points: &[Point],
) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot draw {}: {e}", path.display());
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Err("there are no scans to draw".into());
    };
    let start = first.0.as_second();
    let end = last.0.as_second().max(start.saturating_add(1));
    // Counts come from the network: stacked sums saturate (a negative count draws as 0), and
    // the axis stops where plotters' own arithmetic stays exact.
    let top = points
        .iter()
        .map(|(_, counts)| stacked(counts, counts.len()))
        .max()
        .unwrap_or(0)
        .clamp(1, MAX_AXIS);

    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let (round, step) = ticks::ticks(start, end);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(
            (start..end).with_key_points(round),
            0i64..top.saturating_add(top / 10),
        )
        .map_err(|e| fail(&e))?;
    chart
        .configure_mesh()
        .x_label_formatter(&|seconds| ticks::label(*seconds, step))
        .y_desc("issues")
        .draw()
        .map_err(|e| fail(&e))?;
    // Cumulative layers, widest first, so each narrower one is drawn over it.
    for layer in (0..SEVERITIES.len()).rev() {
        let (name, colour) = SEVERITIES[layer];
        let series = points.iter().map(move |(time, counts)| {
            (time.as_second(), stacked(counts, layer + 1).min(MAX_AXIS))
        });
        chart
            .draw_series(AreaSeries::new(series, 0, colour.mix(0.85)).border_style(colour))
            .map_err(|e| fail(&e))?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}

//! The charts of `takst report`, drawn by `plotters` as SVG on the server side: the
//! page needs no script, no font and no network to show them, and they print.
//!
//! Figures are exact decimals everywhere else; here an amount becomes a position in
//! pixels, the one place a float is right. Every figure a chart shows as text is
//! written from the exact decimal by the caller.

use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The colours of a chart's series, in order (Tableau 10): distinct in print and
/// for the common colour blindnesses.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xba, 0xb0, 0xac),
];

/// The colour of series `i`, as CSS writes it (for legends in the page).
pub fn css_colour(i: usize) -> String {
    let RGBColor(r, g, b) = PALETTE[i % PALETTE.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A drawn chart: its SVG and its size in pixels.
pub struct Svg {
    pub text: String,
    pub width: u32,
    pub height: u32,
}

const WIDTH: u32 = 960;
const FONT: &str = "sans-serif";
/// Room for the names of the rows (agreements, offers) left of a chart.
const NAMES: u32 = 230;

/// One bar of a stacked bar chart: its name, its segments (series, amount) in
/// order, and what is written at its end.
pub struct Bar {
    pub name: String,
    pub segments: Vec<(usize, f64)>,
    pub note: String,
}

/// Horizontal bars of segments, one per row; positive segments stack right of
/// zero, negative ones left of it.
pub fn stacked_bars(bars: &[Bar], axis: &dyn Fn(f64) -> String) -> Result<Svg, String> {
    let height = 70 + 54 * bars.len().max(1) as u32;
    let (mut low, mut high) = (0.0_f64, 0.0_f64);
    for bar in bars {
        let plus: f64 = bar.segments.iter().map(|s| s.1.max(0.0)).sum();
        let minus: f64 = bar.segments.iter().map(|s| s.1.min(0.0)).sum();
        high = high.max(plus);
        low = low.min(minus);
    }
    // Room at the end of the longest bar for its note.
    let span = (high - low).max(1.0);
    let (low, high) = (low - span * 0.02 * f64::from(low < 0.0), high + span * 0.22);
    draw(height, |area| {
        let rows = bars.len();
        let names: Vec<String> = bars.iter().map(|b| b.name.clone()).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(NAMES)
            .build_cartesian_2d(low..high, (0..rows).into_segmented())
            .map_err(text)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .y_labels(rows)
            .y_label_formatter(&|v| row_name(&names, v))
            .x_label_formatter(&|x| axis(*x))
            .label_style((FONT, 15))
            .draw()
            .map_err(text)?;
        for (row, bar) in bars.iter().enumerate() {
            let (mut right, mut left) = (0.0_f64, 0.0_f64);
            let mut rectangles = Vec::new();
            for &(series, amount) in &bar.segments {
                let (from, to) = if amount >= 0.0 {
                    right += amount;
                    (right - amount, right)
                } else {
                    left += amount;
                    (left - amount, left)
                };
                let mut r = Rectangle::new(
                    [
                        (from, SegmentValue::Exact(row)),
                        (to, SegmentValue::Exact(row + 1)),
                    ],
                    colour(series).filled(),
                );
                r.set_margin(9, 9, 0, 0);
                rectangles.push(r);
            }
            chart.draw_series(rectangles).map_err(text)?;
            let note = Text::new(
                bar.note.clone(),
                (right + span * 0.01, SegmentValue::CenterOf(row)),
                (FONT, 15)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            );
            chart.draw_series(std::iter::once(note)).map_err(text)?;
        }
        Ok(())
    })
}

/// A row of a distribution: its name and every figure in it; `box_at` gives the
/// quartiles (lower, median, upper) to draw as a box behind the dots.
pub struct Spread {
    pub name: String,
    pub figures: Vec<f64>,
    pub quartiles: Option<[f64; 3]>,
}

/// Every figure of each row as a dot (offset a little up or down, so equal figures
/// stay visible), over a box from the lower to the upper quartile with the median.
pub fn distribution(rows: &[Spread], axis: &dyn Fn(f64) -> String) -> Result<Svg, String> {
    let height = 70 + 70 * rows.len().max(1) as u32;
    let all = rows.iter().flat_map(|r| r.figures.iter().copied());
    let (low, high) = all.fold((f64::MAX, f64::MIN), |(l, h), x| (l.min(x), h.max(x)));
    let (low, high) = if low > high { (0.0, 1.0) } else { (low, high) };
    let pad = ((high - low) * 0.05).max(1.0);
    let (low, high) = ((low - pad).max(0.0_f64.min(low)), high + pad);
    draw(height, |area| {
        let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(NAMES)
            .build_cartesian_2d(low..high, (0..rows.len()).into_segmented())
            .map_err(text)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .y_labels(rows.len())
            .y_label_formatter(&|v| row_name(&names, v))
            .x_label_formatter(&|x| axis(*x))
            .label_style((FONT, 15))
            .draw()
            .map_err(text)?;
        for (i, row) in rows.iter().enumerate() {
            if let Some([lower, median, upper]) = row.quartiles {
                let mut b = Rectangle::new(
                    [
                        (lower, SegmentValue::Exact(i)),
                        (upper, SegmentValue::Exact(i + 1)),
                    ],
                    colour(i).mix(0.25).filled(),
                );
                b.set_margin(14, 14, 0, 0);
                chart.draw_series(std::iter::once(b)).map_err(text)?;
                let mut edge = Rectangle::new(
                    [
                        (lower, SegmentValue::Exact(i)),
                        (upper, SegmentValue::Exact(i + 1)),
                    ],
                    colour(i).stroke_width(1),
                );
                edge.set_margin(14, 14, 0, 0);
                chart.draw_series(std::iter::once(edge)).map_err(text)?;
                // The median: a line across the box, a little beyond it.
                let m = EmptyElement::at((median, SegmentValue::CenterOf(i)))
                    + PathElement::new(vec![(0, -18), (0, 18)], colour(i).stroke_width(3));
                chart.draw_series(std::iter::once(m)).map_err(text)?;
            }
            // Many dots are drawn smaller and fainter, so that where they crowd shows.
            let (radius, opacity) = match row.figures.len() {
                0..=200 => (4, 0.8),
                _ => (3, 0.3),
            };
            let dots = row.figures.iter().enumerate().map(move |(k, &x)| {
                // Dots of one row are spread over the band by their order (37 steps
                // around 25 places), not at random: the same file gives the same picture.
                let offset = ((k * 37) % 25) as i32 - 12;
                EmptyElement::at((x, SegmentValue::CenterOf(i)))
                    + Circle::new((0, offset), radius, colour(i).mix(opacity).filled())
            });
            chart.draw_series(dots).map_err(text)?;
        }
        Ok(())
    })
}

/// One offer of a dumbbell chart: its name and its figure under each agreement.
pub struct Dumbbell {
    pub name: String,
    pub figures: Vec<Option<f64>>,
}

/// One row per offer: a line from its smallest to its largest figure, and a dot
/// per agreement in that agreement's colour.
pub fn dumbbells(rows: &[Dumbbell], axis: &dyn Fn(f64) -> String) -> Result<Svg, String> {
    let height = 70 + 34 * rows.len().max(1) as u32;
    let all = rows
        .iter()
        .flat_map(|r| r.figures.iter().flatten().copied());
    let (low, high) = all.fold((f64::MAX, f64::MIN), |(l, h), x| (l.min(x), h.max(x)));
    let (low, high) = if low > high { (0.0, 1.0) } else { (low, high) };
    let pad = ((high - low) * 0.05).max(1.0);
    draw(height, |area| {
        let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(NAMES + 120)
            .build_cartesian_2d((low - pad)..(high + pad), (0..rows.len()).into_segmented())
            .map_err(text)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .y_labels(rows.len())
            .y_label_formatter(&|v| row_name(&names, v))
            .x_label_formatter(&|x| axis(*x))
            .label_style((FONT, 14))
            .draw()
            .map_err(text)?;
        for (i, row) in rows.iter().enumerate() {
            let figures: Vec<f64> = row.figures.iter().flatten().copied().collect();
            let from = figures.iter().copied().fold(f64::MAX, f64::min);
            let to = figures.iter().copied().fold(f64::MIN, f64::max);
            if figures.len() >= 2 {
                let centre = SegmentValue::CenterOf(i);
                let line = PathElement::new(
                    vec![(from, centre.clone()), (to, centre)],
                    BLACK.mix(0.35).stroke_width(3),
                );
                chart.draw_series(std::iter::once(line)).map_err(text)?;
            }
            let dots = row.figures.iter().enumerate().filter_map(|(a, x)| {
                Some(Circle::new(
                    (*x.as_ref()?, SegmentValue::CenterOf(i)),
                    6,
                    colour(a).filled(),
                ))
            });
            chart.draw_series(dots).map_err(text)?;
        }
        Ok(())
    })
}

/// The name of the row at `value` of a segmented axis (its centre), else nothing.
fn row_name(names: &[String], value: &SegmentValue<usize>) -> String {
    match value {
        SegmentValue::CenterOf(i) => names.get(*i).map(|n| shorten(n, 34)).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A name cut to `most` characters, with an ellipsis where cut.
fn shorten(name: &str, most: usize) -> String {
    if name.chars().count() <= most {
        return name.to_string();
    }
    let cut: String = name.chars().take(most - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Draws on a white area of the chart width and `height`; returns the SVG.
fn draw(
    height: u32,
    paint: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> Result<Svg, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        area.fill(&WHITE).map_err(text)?;
        paint(&area)?;
        area.present().map_err(text)?;
    }
    Ok(Svg {
        text: svg,
        width: WIDTH,
        height,
    })
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stacked_bar_chart_has_a_rectangle_per_segment_and_its_notes() {
        let bars = [
            Bar {
                name: String::from("First"),
                segments: vec![(0, 10.0), (1, 5.0), (2, -2.0)],
                note: String::from("13 kr"),
            },
            Bar {
                name: String::from("Second & <other>"),
                segments: vec![(0, 12.0)],
                note: String::from("12 kr"),
            },
        ];
        let svg = stacked_bars(&bars, &|x| format!("{x}")).expect("drawn");
        assert_eq!((svg.width, svg.height), (WIDTH, 70 + 2 * 54));
        assert!(svg.text.starts_with("<svg"), "{}", &svg.text[..40]);
        for colour in ["#4E79A7", "#F28E2B", "#59A14F"] {
            assert!(svg.text.contains(colour), "{colour}");
        }
        assert!(svg.text.contains("13 kr") && svg.text.contains("12 kr"));
        // Names are escaped, not written into the SVG as markup.
        assert!(svg.text.contains("Second &amp; &lt;other&gt;"));
    }

    #[test]
    fn charts_of_nothing_are_still_drawn() {
        assert!(stacked_bars(&[], &|x| format!("{x}")).is_ok());
        assert!(distribution(&[], &|x| format!("{x}")).is_ok());
        assert!(dumbbells(&[], &|x| format!("{x}")).is_ok());
        let one = Spread {
            name: String::from("A"),
            figures: vec![5.0],
            quartiles: Some([5.0, 5.0, 5.0]),
        };
        assert!(distribution(&[one], &|x| format!("{x}")).is_ok());
    }
}

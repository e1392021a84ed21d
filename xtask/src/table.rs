//! A plain-text table with aligned columns, readable in any terminal and in CI logs.

use std::fmt;
use std::time::Duration;

pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|cell| cell.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut widths: Vec<usize> = self
            .header
            .iter()
            .map(|cell| cell.chars().count())
            .collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let rule: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
        for row in std::iter::once(&self.header)
            .chain(std::iter::once(&rule))
            .chain(&self.rows)
        {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            writeln!(f, "{}", cells.join("  ").trim_end())?;
        }
        Ok(())
    }
}

/// `12.3 s`: precise enough to compare steps, short enough for a table.
pub fn seconds(elapsed: Duration) -> String {
    format!("{:.1} s", elapsed.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_under_the_widest_cell() {
        let mut table = Table::new(&["step", "status"]);
        table.push(vec!["step00_mono_file".into(), "ok".into()]);
        table.push(vec!["s".into(), "FAILED".into()]);
        assert_eq!(
            table.to_string(),
            "step              status\n\
             ----------------  ------\n\
             step00_mono_file  ok\n\
             s                 FAILED\n"
        );
    }

    #[test]
    fn durations_show_tenths_of_seconds() {
        assert_eq!(seconds(Duration::from_millis(12_345)), "12.3 s");
    }
}

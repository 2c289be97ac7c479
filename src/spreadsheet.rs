//! Tables for people who live in spreadsheets: written as CSV or XLSX with the same columns.

use actix_web::HttpResponse;
use rust_xlsxwriter::{Format, Workbook};

use crate::error::AppError;

/// One cell: text, or a number a spreadsheet can sum.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Cell::Number(value as f64)
    }
}

/// A named table with a header row.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file and sheet name, e.g. `projects`.
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// The formats an export comes in, as the address's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    /// `csv` or `xlsx`, from a path such as `projects.xlsx`.
    pub fn parse(text: &str) -> Result<Self, AppError> {
        match text {
            "csv" => Ok(FileFormat::Csv),
            "xlsx" => Ok(FileFormat::Xlsx),
            _ => Err(AppError::NotFound("exports come as .csv or .xlsx".into())),
        }
    }
}

/// Text list cells (sectors, dimensions) are joined with "; ".
pub fn list(items: &[String]) -> Cell {
    Cell::Text(items.join("; "))
}

/// A text cell as a spreadsheet must take it: text that begins with `=`, `+`, `-`, `@`, a tab or
/// a carriage return, which spreadsheets read as a formula (`=HYPERLINK(…)`, `=cmd|…`), gets a
/// leading single quote, as OWASP advises for CSV, so that it is shown and not run. Only text
/// cells: numbers, negative ones too, are written as numbers. XLSX needs none of this, as its
/// text cells are never formulas.
pub fn inert(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

impl Table {
    /// RFC 4180 CSV, UTF-8, numbers written plainly; text that a spreadsheet would read as a
    /// formula is written as text ([`inert`]).
    pub fn to_csv(&self) -> Result<Vec<u8>, AppError> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| AppError::Internal(e.into());
        writer.write_record(&self.headers).map_err(fail)?;
        for row in &self.rows {
            let fields: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => inert(t),
                    Cell::Number(n) => n.to_string(),
                    Cell::Empty => String::new(),
                })
                .collect();
            writer.write_record(&fields).map_err(fail)?;
        }
        writer
            .into_inner()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
    }

    /// One worksheet with a bold, frozen header row.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, AppError> {
        let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name(self.name).map_err(fail)?;
        let bold = Format::new().set_bold();
        for (col, header) in self.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *header, &bold)
                .map_err(fail)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let line = r as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => sheet.write_string(line, col as u16, t).map(drop),
                    Cell::Number(n) => sheet.write_number(line, col as u16, *n).map(drop),
                    Cell::Empty => Ok(()),
                }
                .map_err(fail)?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
        workbook.save_to_buffer().map_err(fail)
    }

    /// The table as a download.
    pub fn respond(&self, format: FileFormat) -> Result<HttpResponse, AppError> {
        let (body, kind, extension) = match format {
            FileFormat::Csv => (self.to_csv()?, "text/csv; charset=utf-8", "csv"),
            FileFormat::Xlsx => (
                self.to_xlsx()?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
        };
        let filename = format!("{}.{extension}", self.name);
        Ok(crate::download::attachment(kind, &filename, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            name: "projects",
            headers: vec!["title", "value"],
            rows: vec![
                vec!["Solar, rooftop \"phase 1\"".into(), 1.5e9.into()],
                vec![Cell::Empty, Cell::Number(2.0)],
            ],
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let csv = String::from_utf8(table().to_csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "title,value\n\"Solar, rooftop \"\"phase 1\"\"\",1500000000\n,2\n"
        );
    }

    #[test]
    fn csv_text_that_would_be_a_formula_is_written_as_text() {
        let table = Table {
            name: "investors",
            headers: vec!["name", "amount"],
            rows: vec![
                vec!["=cmd|'/C calc'!A0".into(), Cell::Number(-5.0)],
                vec!["+62 21 555".into(), Cell::Number(2.5)],
                vec!["-1+1".into(), Cell::Empty],
                vec!["@SUM(A1:A2)".into(), Cell::Empty],
                vec!["\tindented".into(), Cell::Empty],
                vec!["\rreturned".into(), Cell::Empty],
                vec!["Plain = fine".into(), Cell::Empty],
            ],
        };
        let csv = String::from_utf8(table.to_csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "name,amount\n'=cmd|'/C calc'!A0,-5\n'+62 21 555,2.5\n'-1+1,\n'@SUM(A1:A2),\n\
             '\tindented,\n\"'\rreturned\",\nPlain = fine,\n"
        );
    }

    #[test]
    fn xlsx_text_is_kept_as_it_is() {
        let table = Table {
            name: "t",
            headers: vec!["name"],
            rows: vec![vec!["=1+1".into()]],
        };
        let mut workbook: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(table.to_xlsx().unwrap()))
                .unwrap();
        use calamine::Reader;
        let range = workbook.worksheet_range("t").unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&calamine::Data::String("=1+1".into()))
        );
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = table().to_xlsx().unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}

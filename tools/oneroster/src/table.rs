//! Reading one CSV file of a OneRoster set tolerantly: a byte-order mark is
//! skipped, a row with bytes that are not UTF-8 or with the wrong number of
//! fields is reported by its line and left out, and a file missing a
//! required column is reported once, naming the column. What is left are
//! rows whose fields can be read by column name.

use std::collections::HashMap;

use crate::rejects::Reject;

/// One readable row: its line in the file (the header is line 1) and its
/// fields, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    fields: Vec<String>,
}

/// The readable rows of one file.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    columns: HashMap<String, usize>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The field of `row` in `column`; empty when the file has no such column.
    pub fn get<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|&index| row.fields.get(index))
            .map_or("", String::as_str)
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Line numbers from byte offsets: the CSV reader does not count the blank
/// lines it skips nor a lone `\r`, and people look rows up by the line
/// their editor shows.
struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl Lines<'_> {
    fn at(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else {
            return 0;
        };
        let mut to = (position.byte() as usize).min(self.bytes.len());
        // A record's position is taken before the blank lines ahead of it.
        while to < self.bytes.len() && matches!(self.bytes[to], b'\n' | b'\r') {
            to += 1;
        }
        if to < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        // `\n`, `\r\n` and a lone `\r` (old Mac exports) each end a line.
        self.line += (self.offset..to)
            .filter(|&i| match self.bytes[i] {
                b'\n' => true,
                b'\r' => self.bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            })
            .count() as u64;
        self.offset = to;
        self.line
    }
}

/// Reads `bytes` as the CSV file `file`. Problems go to `rejects`; `None`
/// when the file as a whole cannot be used (no readable header, or a
/// required column missing).
pub fn read(
    file: &str,
    bytes: &[u8],
    required: &[&str],
    rejects: &mut Vec<Reject>,
) -> Option<Table> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let header = match reader.byte_headers() {
        Ok(header) => header.clone(),
        Err(error) => {
            rejects.push(Reject::file(file, 1, "", "bad_header", error.to_string()));
            return None;
        }
    };
    let mut columns = HashMap::new();
    for (index, name) in header.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(name) else {
            rejects.push(Reject::file(
                file,
                1,
                "",
                "bad_encoding",
                format!("column {} of the header is not UTF-8", index + 1),
            ));
            return None;
        };
        columns.entry(name.trim().to_owned()).or_insert(index);
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|column| !columns.contains_key(*column))
        .collect();
    if !missing.is_empty() {
        for column in missing {
            rejects.push(Reject::file(
                file,
                1,
                column,
                "missing_column",
                format!("the required column {column} is missing; no row of {file} was read"),
            ));
        }
        return None;
    }
    let names: Vec<String> = {
        let mut names = vec![String::new(); header.len()];
        for (name, &index) in &columns {
            names[index] = name.clone();
        }
        names
    };
    let mut lines = Lines {
        bytes,
        offset: 0,
        line: 1,
    };
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = lines.at(error.position());
                rejects.push(Reject::file(file, line, "", "bad_row", error.to_string()));
                continue;
            }
        };
        let line = lines.at(record.position());
        if record
            .iter()
            .all(|field| field.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        if record.len() != header.len() {
            rejects.push(Reject::file(
                file,
                line,
                "",
                "bad_row",
                format!(
                    "has {} fields where the header has {}",
                    record.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let mut fields = Vec::with_capacity(record.len());
        let mut bad = None;
        for (index, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(text) => fields.push(text.trim().to_owned()),
                Err(_) => {
                    bad = Some(index);
                    break;
                }
            }
        }
        if let Some(index) = bad {
            let column = names[index].as_str();
            let mut reject = Reject::file(
                file,
                line,
                column,
                "bad_encoding",
                "the field is not UTF-8 text; save the file as UTF-8",
            );
            // The sourcedId, when it at least can be read.
            if let Some(&id) = columns.get("sourcedId")
                && let Some(Ok(text)) = record.get(id).map(std::str::from_utf8)
            {
                reject.sourced_id = text.trim().to_owned();
            }
            rejects.push(reject);
            continue;
        }
        rows.push(Row { line, fields });
    }
    Some(Table {
        file: file.to_owned(),
        columns,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(rejects: &[Reject]) -> Vec<(u64, &str, &str)> {
        rejects
            .iter()
            .map(|r| (r.line, r.field.as_str(), r.code.as_str()))
            .collect()
    }

    #[test]
    fn a_byte_order_mark_and_spaces_are_tolerated() {
        let mut rejects = Vec::new();
        let table = read(
            "users.csv",
            b"\xEF\xBB\xBFsourcedId, givenName\nu1 , \xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD\n",
            &["sourcedId"],
            &mut rejects,
        )
        .unwrap();
        assert!(rejects.is_empty(), "{rejects:?}");
        assert_eq!(table.get(&table.rows[0], "sourcedId"), "u1");
        assert_eq!(table.get(&table.rows[0], "givenName"), "Иван");
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.get(&table.rows[0], "nope"), "");
    }

    #[test]
    fn a_row_that_is_not_utf8_is_reported_and_the_others_are_read() {
        let mut rejects = Vec::new();
        // "Иван" in Windows-1251 on line 3.
        let table = read(
            "users.csv",
            b"sourcedId,givenName\nu1,Ann\nu2,\xC8\xE2\xE0\xED\nu3,Bob\n",
            &["sourcedId"],
            &mut rejects,
        )
        .unwrap();
        assert_eq!(codes(&rejects), [(3, "givenName", "bad_encoding")]);
        assert_eq!(rejects[0].sourced_id, "u2");
        let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn a_missing_column_refuses_the_file_once_naming_it() {
        let mut rejects = Vec::new();
        let table = read(
            "results.csv",
            b"sourcedId,score\nr1,5\n",
            &["sourcedId", "studentSourcedId"],
            &mut rejects,
        );
        assert!(table.is_none());
        assert_eq!(codes(&rejects), [(1, "studentSourcedId", "missing_column")]);
    }

    #[test]
    fn a_row_of_the_wrong_width_is_reported_and_blank_lines_skipped() {
        let mut rejects = Vec::new();
        let table = read(
            "courses.csv",
            b"sourcedId,title\nc1,Math\n\nc2\nc3,\"Art,\nand crafts\"\nc4,Music\n",
            &["sourcedId"],
            &mut rejects,
        )
        .unwrap();
        assert_eq!(codes(&rejects), [(4, "", "bad_row")]);
        let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 5, 7]);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        // Found by fuzzing: rows after a lone CR shared the line before it.
        for (bytes, expected) in [
            (&b"sourcedId,title\rc1,Math\rc2,Art\r"[..], [2, 3]),
            (b"sourcedId,title\r\nc1,Math\r\n\r\nc2,Art\r\n", [2, 4]),
            (b"sourcedId,title\nc1,Math\r\rc2,Art", [2, 4]),
        ] {
            let mut rejects = Vec::new();
            let table = read("courses.csv", bytes, &["sourcedId"], &mut rejects).unwrap();
            let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, expected, "{:?}", String::from_utf8_lossy(bytes));
        }
    }
}

//! Stored rows: which value goes where, written once for a response the exact path read
//! (`RowLayout::write`) and once for a row the streaming import read (`EncodedRows`), with
//! the answers written by one function for both.

use rusqlite::Connection;

use super::blocks::{self, BlockWriter};
use super::schema;
use crate::codebook::{Codebook, QuestionKind};
use crate::ingest::mapping::Answer;
use crate::ingest::stream::{RowSink, RowView};
use crate::ingest::Response;

/// Where each value of a stored row comes from: the row's positions are `response_columns`.
pub struct RowLayout {
    /// Per position past the metadata: the codebook question stored there, if this codebook
    /// has it.
    pub questions: Vec<Option<usize>>,
    /// The same, by what each column holds.
    columns: Vec<Column>,
    /// Per codebook question, the stored JSON of each level (1-based `Answer::Level` - 1):
    /// scale code, 0 or 1, or option code. Made once, not per answer.
    level_json: Vec<Vec<Vec<u8>>>,
    /// Per select-all question, each option's code as escaped inside a JSON string: the
    /// stored answer is the chosen codes joined by `;`, and `;` is never escaped.
    option_json: Vec<Vec<Vec<u8>>>,
    /// The JSON of each question's id, for free-text answers.
    id_json: Vec<Vec<u8>>,
    /// The stored JSON of each wave and role.
    wave_json: Vec<Vec<u8>>,
    role_json: Vec<Vec<u8>>,
}

/// A row's answers, whichever path read it.
trait Answers {
    /// A level question's level (from 1), 0 when missing.
    fn level(&self, q: usize) -> u8;
    fn choices(&self, q: usize) -> Option<u64>;
    fn number(&self, q: usize) -> Option<f64>;
}

impl Answers for Response {
    fn level(&self, q: usize) -> u8 {
        match self.answers[q] {
            Answer::Level(l) => l,
            _ => 0,
        }
    }

    fn choices(&self, q: usize) -> Option<u64> {
        match self.answers[q] {
            Answer::Choices(set) => Some(set),
            _ => None,
        }
    }

    fn number(&self, q: usize) -> Option<f64> {
        match self.answers[q] {
            Answer::Number(x) => Some(x),
            _ => None,
        }
    }
}

impl Answers for RowView<'_> {
    fn level(&self, q: usize) -> u8 {
        RowView::level(self, q)
    }

    fn choices(&self, q: usize) -> Option<u64> {
        RowView::choices(self, q)
    }

    fn number(&self, q: usize) -> Option<f64> {
        RowView::number(self, q)
    }
}

/// What a stored question column holds.
#[derive(Clone, Copy)]
enum Column {
    /// A question this codebook lacks: always null.
    Absent,
    Level(usize),
    Choices(usize),
    Number(usize),
}

impl RowLayout {
    pub fn read(conn: &Connection, codebook: &Codebook) -> rusqlite::Result<RowLayout> {
        let columns = schema::response_columns(conn)?;
        // A store whose column list was cut short by hand has no question columns.
        let questions: Vec<Option<usize>> = columns
            .get(blocks::META_COLUMNS.len()..)
            .unwrap_or_default()
            .iter()
            .map(|(name, _)| {
                codebook
                    .questions
                    .iter()
                    .position(|q| q.kind != QuestionKind::Text && q.id.eq_ignore_ascii_case(name))
            })
            .collect();
        let level_json = codebook
            .questions
            .iter()
            .map(|question| match question.kind {
                QuestionKind::Likert => codebook
                    .scale_of(question)
                    .map(|scale| {
                        scale
                            .levels
                            .iter()
                            .map(|l| l.code.to_string().into_bytes())
                            .collect()
                    })
                    .unwrap_or_default(),
                QuestionKind::YesNo => vec![b"0".to_vec(), b"1".to_vec()],
                QuestionKind::Single => question
                    .options
                    .iter()
                    .map(|o| blocks::json_string(&o.code))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let option_json = codebook
            .questions
            .iter()
            .map(|question| match question.kind {
                QuestionKind::Multi => question
                    .options
                    .iter()
                    .map(|o| {
                        let json = blocks::json_string(&o.code);
                        json[1..json.len() - 1].to_vec()
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let json_strings =
            |values: &[String]| values.iter().map(|v| blocks::json_string(v)).collect();
        let columns = questions
            .iter()
            .map(|q| match *q {
                None => Column::Absent,
                Some(q) => match codebook.questions[q].kind {
                    QuestionKind::Multi => Column::Choices(q),
                    QuestionKind::Numeric => Column::Number(q),
                    _ => Column::Level(q),
                },
            })
            .collect();
        Ok(RowLayout {
            questions,
            columns,
            level_json,
            option_json,
            id_json: codebook
                .questions
                .iter()
                .map(|q| blocks::json_string(&q.id))
                .collect(),
            wave_json: json_strings(&codebook.waves),
            role_json: json_strings(&codebook.roles),
        })
    }

    /// Writes `response` as a stored row, in the order of `blocks::META_COLUMNS` and then
    /// the question columns.
    pub fn write(&self, writer: &mut BlockWriter, response: &Response, codebook: &Codebook) {
        let wave = &codebook.waves[response.wave];
        writer.begin_row(blocks::respondent_key(
            &response.pilot,
            wave,
            &response.respondent_id,
        ));
        writer.int(response.source_row as i64);
        writer.text(&response.respondent_id);
        writer.text(&response.pilot);
        writer.json(&self.wave_json[response.wave]);
        writer.json(&self.role_json[response.role]);
        let text_or_null = |writer: &mut BlockWriter, value: &Option<String>| match value {
            Some(v) => writer.text(v),
            None => writer.null(),
        };
        let real_or_null = |writer: &mut BlockWriter, value: Option<f64>| match value {
            Some(v) => writer.real(v),
            None => writer.null(),
        };
        text_or_null(writer, &response.submitted);
        real_or_null(writer, response.weight);
        let quality = &response.quality;
        text_or_null(writer, &quality.started);
        text_or_null(writer, &quality.ended);
        real_or_null(writer, quality.duration_seconds);
        real_or_null(writer, quality.progress);
        match quality.finished {
            Some(f) => writer.int(i64::from(f)),
            None => writer.null(),
        }
        self.write_answers(writer.values(), response);
        for (question, answer) in codebook.questions.iter().zip(&response.answers) {
            if let Answer::Text(text) = answer {
                writer.text_answer(&question.id, text);
            }
        }
    }

    /// Appends the question columns' values to `out`, each after a comma (metadata comes
    /// first).
    fn write_answers(&self, out: &mut Vec<u8>, answers: &impl Answers) {
        for column in &self.columns {
            out.push(b',');
            match *column {
                Column::Level(q) => match answers.level(q) {
                    0 => out.extend_from_slice(b"null"),
                    l => match self.level_json[q][l as usize - 1].as_slice() {
                        [byte] => out.push(*byte),
                        json => out.extend_from_slice(json),
                    },
                },
                Column::Choices(q) => match answers.choices(q) {
                    Some(set) => {
                        out.push(b'"');
                        let chosen = self.option_json[q]
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| set & (1 << i) != 0);
                        for (n, (_, code)) in chosen.enumerate() {
                            if n > 0 {
                                out.push(b';');
                            }
                            out.extend_from_slice(code);
                        }
                        out.push(b'"');
                    }
                    None => out.extend_from_slice(b"null"),
                },
                Column::Number(q) => match answers.number(q) {
                    Some(x) => blocks::push_real(out, x),
                    None => out.extend_from_slice(b"null"),
                },
                Column::Absent => out.extend_from_slice(b"null"),
            }
        }
    }
}

/// The rows of one segment of a file read by the streaming import, encoded as stored (every
/// value but the row's number in the file, which waits for the segments before it) on the
/// thread that read them. `Store::import_streamed` stores them in file order.
pub struct EncodedRows<'a> {
    layout: &'a RowLayout,
    codebook: &'a Codebook,
    /// Per row: its respondent key, its record in the segment, and where its values end in
    /// `values`.
    pub(super) rows: Vec<(u64, u32, u32)>,
    pub(super) values: Vec<u8>,
    /// Per free-text answer: its row in the segment, and where it ends in `texts` (question
    /// and answer as JSON, and the closing bracket).
    pub(super) text_rows: Vec<(u32, u32)>,
    pub(super) texts: Vec<u8>,
    /// Per pilot of the chunk: its JSON, and the seed of its respondents' keys for each wave.
    pilots: Vec<(Vec<u8>, Vec<u64>)>,
}

impl<'a> EncodedRows<'a> {
    pub(super) fn new(layout: &'a RowLayout, codebook: &'a Codebook) -> EncodedRows<'a> {
        EncodedRows {
            layout,
            codebook,
            rows: Vec::new(),
            values: Vec::new(),
            text_rows: Vec::new(),
            texts: Vec::new(),
            pilots: Vec::new(),
        }
    }
}

impl EncodedRows<'_> {
    /// Empties the rows for another segment, keeping the buffers (pilots are numbered anew
    /// in each chunk).
    pub(super) fn clear(&mut self) {
        self.rows.clear();
        self.values.clear();
        self.text_rows.clear();
        self.texts.clear();
        self.pilots.clear();
    }
}

impl RowSink for EncodedRows<'_> {
    const KEEPS_TEXT: bool = true;

    fn row(&mut self, record: u64, row: &RowView) {
        let pilot = row.pilot();
        while self.pilots.len() <= pilot {
            let id = row.pilot_name(self.pilots.len());
            let seeds = self
                .codebook
                .waves
                .iter()
                .map(|wave| blocks::key_seed(id, wave))
                .collect();
            self.pilots.push((blocks::json_string(id), seeds));
        }
        let respondent_id = row.respondent_id();
        let (pilot_json, seeds) = &self.pilots[pilot];
        let key = blocks::key_from_seed(seeds[row.wave()], respondent_id);
        let out = &mut self.values;
        out.push(b',');
        blocks::push_text(out, respondent_id);
        out.push(b',');
        out.extend_from_slice(pilot_json);
        out.push(b',');
        out.extend_from_slice(&self.layout.wave_json[row.wave()]);
        out.push(b',');
        out.extend_from_slice(&self.layout.role_json[row.role()]);
        // Submission date, weight and the five timing fields: the fast path takes no file
        // with a weight or timing column, and the end time comes from the submission date.
        let (submitted, ended) = row.submitted();
        let text_or_null = |out: &mut Vec<u8>, value: Option<&str>| match value {
            Some(value) => blocks::push_text(out, value),
            None => out.extend_from_slice(b"null"),
        };
        out.push(b',');
        text_or_null(out, submitted);
        out.extend_from_slice(b",null,null,");
        text_or_null(out, ended);
        out.extend_from_slice(b",null,null,null");
        self.layout.write_answers(out, row);
        let index = self.rows.len() as u32;
        self.rows
            .push((key, record as u32, self.values.len() as u32));
        for (q, text) in row.texts() {
            self.texts.extend_from_slice(&self.layout.id_json[q]);
            self.texts.push(b',');
            blocks::push_text(&mut self.texts, text);
            self.texts.push(b']');
            self.text_rows.push((index, self.texts.len() as u32));
        }
    }
}

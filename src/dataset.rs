//! The one in-memory form of responses that analysis reads, whether they came from the store
//! or straight from files. Columnar and compact: a level code is one byte, a multi-select answer
//! one 64-bit set, so that a million responses fit comfortably.

use crate::codebook::{Codebook, Question, QuestionKind};
use crate::ingest::mapping::Answer;
use crate::ingest::Response;

/// The answers to one question, one entry per response.
#[derive(Debug, Clone)]
pub enum Column {
    /// Likert, single and yes/no: the 1-based level, 0 when missing.
    Levels(Vec<u8>),
    /// Multi-select: bit k for option k, 0 when missing.
    Choices(Vec<u64>),
    /// Numeric: NaN when missing.
    Numbers(Vec<f64>),
    /// Free text is never loaded for analysis; only whether it was answered.
    Answered(Vec<bool>),
}

/// Who is asked one question, the rule every analysis applies to rows and counts alike: the
/// question is asked of a unit's role (and wave, where the codebook limits it), and the unit's
/// export had a column for it. Its roles and waves are made into bit sets once, so that
/// testing a unit reads two bits rather than scanning the question's lists.
pub struct Asked {
    q: usize,
    roles: [u64; 4],
    /// All set when the question is asked in every wave.
    waves: [u64; 4],
}

impl Asked {
    pub fn new(question: &Question, q: usize) -> Asked {
        let bits = |indices: &[usize]| {
            let mut set = [0u64; 4];
            for &i in indices {
                if let Some(word) = set.get_mut(i / 64) {
                    *word |= 1 << (i % 64);
                }
            }
            set
        };
        Asked {
            q,
            roles: bits(&question.roles),
            waves: if question.waves.is_empty() {
                [u64::MAX; 4]
            } else {
                bits(&question.waves)
            },
        }
    }

    /// Whether a unit of role `role` in wave `wave` was asked, its export having a column for
    /// each question marked in `present` (empty: for all of them).
    pub fn unit(&self, role: usize, wave: usize, present: &[bool]) -> bool {
        let has =
            |set: &[u64; 4], i: usize| set.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1);
        has(&self.roles, role)
            && has(&self.waves, wave)
            && present.get(self.q).copied().unwrap_or(true)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub respondent_ids: Vec<String>,
    /// Distinct pilot ids; `pilot` holds indices into it.
    pub pilot_ids: Vec<String>,
    pub pilot: Vec<u32>,
    /// Indices into the codebook's waves and roles.
    pub wave: Vec<u8>,
    pub role: Vec<u8>,
    /// Present when any response carried a weight; NaN where a response had none, which
    /// `check_weights` refuses rather than guess.
    pub weight: Option<Vec<f64>>,
    /// Seconds taken to answer, where the platform recorded it; NaN otherwise.
    pub duration: Vec<f64>,
    /// Each row's source (an import, or a file read directly): an index into `present`.
    pub source: Vec<u32>,
    /// Per source, per codebook question: whether the export had a column for it. A question
    /// a pilot's survey did not include was not asked, which is not the same as unanswered.
    pub present: Vec<Vec<bool>>,
    /// One column per codebook question, in codebook order.
    pub columns: Vec<Column>,
}

impl Dataset {
    pub fn new(codebook: &Codebook) -> Dataset {
        let columns = codebook
            .questions
            .iter()
            .map(|q| match q.kind {
                QuestionKind::Likert | QuestionKind::Single | QuestionKind::YesNo => {
                    Column::Levels(Vec::new())
                }
                QuestionKind::Multi => Column::Choices(Vec::new()),
                QuestionKind::Numeric => Column::Numbers(Vec::new()),
                QuestionKind::Text => Column::Answered(Vec::new()),
            })
            .collect();
        Dataset {
            columns,
            ..Dataset::default()
        }
    }

    pub fn len(&self) -> usize {
        self.respondent_ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.respondent_ids.is_empty()
    }

    /// Registers a source whose export had a column for the questions marked in `present`;
    /// returns its index for `push`.
    pub fn add_source(&mut self, present: Vec<bool>) -> u32 {
        self.present.push(present);
        (self.present.len() - 1) as u32
    }

    /// Whether row `i` was asked question `q` (see `Asked`).
    pub fn asked(&self, question: &Question, q: usize, i: usize) -> bool {
        Asked::new(question, q).unit(
            usize::from(self.role[i]),
            usize::from(self.wave[i]),
            &self.present[self.source[i] as usize],
        )
    }

    /// The rows of `members` that were asked question `q`, the rule made once for them all:
    /// the summary asks this of every row for every question.
    pub fn asked_rows(&self, question: &Question, q: usize, members: &[usize]) -> Vec<usize> {
        let asked = Asked::new(question, q);
        members
            .iter()
            .copied()
            .filter(|&i| {
                asked.unit(
                    usize::from(self.role[i]),
                    usize::from(self.wave[i]),
                    &self.present[self.source[i] as usize],
                )
            })
            .collect()
    }

    /// Appends one response from `source`. `answers` must follow the codebook the dataset was
    /// made for.
    pub fn push(&mut self, source: u32, response: &Response) {
        let pilot = match self.pilot_ids.iter().position(|p| *p == response.pilot) {
            Some(i) => i,
            None => {
                self.pilot_ids.push(response.pilot.clone());
                self.pilot_ids.len() - 1
            }
        };
        let row = self.respondent_ids.len();
        self.respondent_ids.push(response.respondent_id.clone());
        self.pilot.push(pilot as u32);
        self.wave.push(response.wave as u8);
        self.role.push(response.role as u8);
        self.source.push(source);
        self.duration
            .push(response.quality.duration_seconds.unwrap_or(f64::NAN));
        match (&mut self.weight, response.weight) {
            (Some(weights), w) => weights.push(w.unwrap_or(f64::NAN)),
            (None, Some(w)) => {
                let mut weights = vec![f64::NAN; row];
                weights.push(w);
                self.weight = Some(weights);
            }
            (None, None) => {}
        }
        for (column, answer) in self.columns.iter_mut().zip(&response.answers) {
            match column {
                Column::Levels(v) => v.push(match answer {
                    Answer::Level(l) => *l,
                    _ => 0,
                }),
                Column::Choices(v) => v.push(match answer {
                    Answer::Choices(s) => *s,
                    _ => 0,
                }),
                Column::Numbers(v) => v.push(match answer {
                    Answer::Number(x) => *x,
                    _ => f64::NAN,
                }),
                Column::Answered(v) => v.push(matches!(answer, Answer::Text(_))),
            }
        }
    }

    /// Weighted analysis needs a weight on every response in scope: a response without one
    /// can be neither counted as 1 nor left out without changing the estimates silently. The
    /// error names the first such response and the ways out.
    pub fn check_weights(&self) -> crate::error::Result<()> {
        let Some(weights) = &self.weight else {
            return Ok(());
        };
        let missing: Vec<usize> = (0..self.len()).filter(|&i| weights[i].is_nan()).collect();
        match missing.first() {
            None => Ok(()),
            Some(&i) => Err(crate::error::Error::Invalid(format!(
                "{} of {} responses in scope have no weight (the first: respondent {} of pilot {}); give every response a weight, narrow the selection to weighted responses, or add --unweighted",
                missing.len(),
                self.len(),
                self.respondent_ids[i],
                self.pilot_ids[self.pilot[i] as usize]
            ))),
        }
    }

    /// The rows kept by `keep`, as a new dataset.
    pub fn filter(&self, keep: impl Fn(usize) -> bool) -> Dataset {
        let rows: Vec<usize> = (0..self.len()).filter(|&i| keep(i)).collect();
        let pick = |v: &Vec<u8>| rows.iter().map(|&i| v[i]).collect();
        Dataset {
            respondent_ids: rows
                .iter()
                .map(|&i| self.respondent_ids[i].clone())
                .collect(),
            pilot_ids: self.pilot_ids.clone(),
            pilot: rows.iter().map(|&i| self.pilot[i]).collect(),
            wave: pick(&self.wave),
            role: pick(&self.role),
            duration: rows.iter().map(|&i| self.duration[i]).collect(),
            source: rows.iter().map(|&i| self.source[i]).collect(),
            present: self.present.clone(),
            weight: self
                .weight
                .as_ref()
                .map(|w| rows.iter().map(|&i| w[i]).collect()),
            columns: self
                .columns
                .iter()
                .map(|c| match c {
                    Column::Levels(v) => Column::Levels(pick(v)),
                    Column::Choices(v) => Column::Choices(rows.iter().map(|&i| v[i]).collect()),
                    Column::Numbers(v) => Column::Numbers(rows.iter().map(|&i| v[i]).collect()),
                    Column::Answered(v) => Column::Answered(rows.iter().map(|&i| v[i]).collect()),
                })
                .collect(),
        }
    }
}

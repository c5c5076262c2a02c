//! The synthetic sample: seeded, deterministic survey exports for the pilots of the workspace,
//! written the way pilots send them, with the effects listed in `EFFECTS` built in so that
//! comparisons and trends have something real to find (and nothing where none was put).
//!
//! The random generator is a hand-written SplitMix64 rather than the `rand` crate because the
//! committed sample must be byte-for-byte reproducible across crate versions, which `rand`'s
//! seeded generators do not promise.

mod rng;
pub mod wide;

use std::fmt::Write as _;
use std::path::Path;

use crate::codebook::{Codebook, Question, QuestionKind, Survey};
use crate::error::{Error, Result};
use rng::Rng;

pub const DEFAULT_SEED: u64 = 2022;

/// Pilots whose learners and partners rate them clearly lower on every rating except cost.
pub const LAGGING_PILOTS: [&str; 3] = ["P07", "P22", "P31"];
/// How strongly each rating item (except L10) follows the respondent's disposition: the
/// latent correlation between two items is its square.
const DISPOSITION_LOADING: f64 = 0.7;
/// Pilots rated somewhat higher.
pub const LEADING_PILOTS: [&str; 2] = ["P03", "P18"];

/// The effects built into the sample, as the sample README states them.
pub const EFFECTS: &str = "\
- Lagging pilots P07, P22 and P31: every rating item except L10 (cost) is about 0.9 SD lower on
  the latent scale; their learners also withdraw more often (L04) and fewer earn the credential (P02).
- Leading pilots P03 and P18: rating items about 0.4 SD higher.
- All other pilots share the same response model: no pilot effect.
- Trends across waves (exit, followup_3m, followup_6m, annual):
  - L03 (had heard the term \"micro-credential\"): yes rises from about 30% to about 60%;
  - L11 (received a shareable digital credential): yes rises from about 70% to about 92%;
  - E06 (partnership effective) and P05 (framework clear): rise by about 0.3 SD per wave.
- Each respondent has one disposition that every rating item except L10 follows (loading 0.7,
  a latent inter-item correlation of 0.49), so the items of a recommendation form a scale.
- No trend and no pilot effect: L10 (cost was not a barrier), which also ignores the disposition. No trend: L06, L08, L09, L14,
  E04, E05, E09, P10.
- Employers rate assessment authenticity (E05) lower than learners do (L08).
";

/// How a pilot's exports look.
#[derive(Clone, Copy)]
struct FileStyle {
    headers: HeaderStyle,
    labels: bool,
    crlf: bool,
    email_column: bool,
    equity_module: bool,
    datetime: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum HeaderStyle {
    Ids,
    Slugs,
    QuestionText,
}

fn style_for(pilot_index: usize) -> FileStyle {
    FileStyle {
        headers: match pilot_index % 6 {
            2 => HeaderStyle::Slugs,
            4 => HeaderStyle::QuestionText,
            _ => HeaderStyle::Ids,
        },
        labels: pilot_index % 4 == 1,
        crlf: pilot_index % 3 == 0,
        email_column: matches!(pilot_index, 4 | 28),
        equity_module: pilot_index % 3 != 2,
        datetime: pilot_index % 5 == 3,
    }
}

/// The one file written in Windows-1252: pilot 12's exit wave.
const WINDOWS_1252_FILE: (usize, usize) = (11, 0);
/// Files with a duplicated submission: (pilot index, wave index).
const DUPLICATE_FILES: [(usize, usize); 2] = [(8, 0), (25, 1)];
/// The file where one learner answered the equity module while declining consent.
const NO_CONSENT_FILE: (usize, usize) = (0, 0);

const COMMENTS: [&str; 8] = [
    "More practice tasks drawn from real workplaces.",
    "Clearer instructions for the final assessment.",
    "Evening sessions for people who work days.",
    "Shorter modules, released weekly.",
    "A mentor from an employer partner.",
    "Better captions on the videos.",
    "Synthetic comment: more feedback on assignments.",
    "Synthetic comment: a printable summary of each module.",
];
const FRENCH_COMMENTS: [&str; 3] = [
    "Plus d’exemples pratiques, s’il vous plaît — très utile.",
    "Un calendrier plus souple pour les employés à temps plein.",
    "Des évaluations mieux liées au travail réel.",
];
const FRAMEWORK_COMMENTS: [&str; 3] = [
    "Add guidance on assessing work-integrated learning.",
    "Partner endorsement needs a lighter process for small employers.",
    "Make the transcriptable element optional for non-credit offerings.",
];

/// Writes one CSV per pilot per wave and a README into `dir`; returns the number of CSV files.
pub fn write_sample(survey: &Survey, seed: u64, dir: &Path) -> Result<usize> {
    let codebook = &survey.codebook;
    if survey.pilots.is_empty() {
        return Err(Error::Invalid(
            "the sample needs pilots: the workspace's pilots file lists none".into(),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut rng = Rng::new(seed);
    let mut files = 0;
    for (p, pilot) in survey.pilots.iter().enumerate() {
        let style = style_for(p);
        let pilot_effect = if LAGGING_PILOTS.contains(&pilot.id.as_str()) {
            -0.9
        } else if LEADING_PILOTS.contains(&pilot.id.as_str()) {
            0.4
        } else {
            0.0
        };
        let cohort = 18 + rng.below(40) as usize;
        for (w, wave) in codebook.waves.iter().enumerate() {
            let ctx = RowContext {
                codebook,
                pilot: &pilot.id,
                pilot_effect,
                wave: w,
                style,
            };
            let mut rows: Vec<Vec<String>> = Vec::new();
            let retention = [1.0, 0.75, 0.65, 0.55][w.min(3)];
            let counts = [
                ((cohort as f64 * retention).round() as usize).max(3),
                2 + rng.below(6) as usize,
                1 + rng.below(4) as usize,
                1,
            ];
            for (role, &count) in counts.iter().enumerate().take(codebook.roles.len()) {
                for _ in 0..count {
                    rows.push(ctx.row(&mut rng, role, &pilot.start_date));
                }
            }
            if DUPLICATE_FILES.contains(&(p, w)) {
                let copy = rows[rows.len() / 3].clone();
                let at = rows.len() / 3 + 1;
                rows.insert(at, copy);
            }
            if (p, w) == NO_CONSENT_FILE {
                ctx.answer_without_consent(&mut rows[1]);
            }
            let windows_1252 = (p, w) == WINDOWS_1252_FILE;
            if windows_1252 {
                ctx.use_french_comments(&mut rng, &mut rows);
            }
            let text = ctx.render(&rows);
            let bytes = if windows_1252 {
                let (encoded, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
                debug_assert!(!unmappable);
                encoded.into_owned()
            } else {
                text.into_bytes()
            };
            let path = dir.join(format!("{}_{}.csv", pilot.id, wave));
            std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
            files += 1;
        }
    }
    let readme = dir.join("README.md");
    std::fs::write(&readme, readme_text(survey, seed, files)).map_err(|e| Error::io(&readme, e))?;
    Ok(files)
}

struct RowContext<'a> {
    codebook: &'a Codebook,
    pilot: &'a str,
    pilot_effect: f64,
    wave: usize,
    style: FileStyle,
}

impl RowContext<'_> {
    /// The export's columns: metadata, then the questions (the equity module only where the
    /// pilot runs it), with an e-mail column where the pilot's platform added one.
    fn questions(&self) -> Vec<&Question> {
        self.codebook
            .questions
            .iter()
            .filter(|q| self.style.equity_module || q.module.is_none())
            .collect()
    }

    fn header(&self) -> Vec<String> {
        let m = &self.codebook.metadata;
        let text_headers = self.style.headers == HeaderStyle::QuestionText;
        let meta = |c: &crate::codebook::MetaColumn| {
            if text_headers {
                c.aliases
                    .first()
                    .cloned()
                    .unwrap_or_else(|| c.column.clone())
            } else {
                c.column.clone()
            }
        };
        let mut header = vec![meta(&m.respondent_id)];
        if self.style.email_column {
            header.push("Email".into());
        }
        header.extend([
            meta(&m.pilot),
            meta(&m.wave),
            meta(&m.role),
            meta(&m.submitted),
        ]);
        for q in self.questions() {
            header.push(match self.style.headers {
                HeaderStyle::Ids => q.id.clone(),
                HeaderStyle::Slugs => format!("{}_{}", q.id, slug(&q.text)),
                HeaderStyle::QuestionText => q.text.clone(),
            });
        }
        header
    }

    fn row(&self, rng: &mut Rng, role: usize, start_date: &str) -> Vec<String> {
        let codebook = self.codebook;
        let id = format!("R_{:012x}", rng.next_u64() >> 16);
        let mut row = vec![id.clone()];
        if self.style.email_column {
            row.push(format!("{}@example.org", id.to_ascii_lowercase()));
        }
        let role_name = &codebook.roles[role];
        row.push(self.pilot.to_string());
        row.push(codebook.waves[self.wave].clone());
        row.push(if self.style.labels {
            title_case(role_name)
        } else {
            role_name.clone()
        });
        row.push(submitted(rng, start_date, self.wave, self.style.datetime));
        // The respondent's general disposition, shared by their rating items so that the items
        // of a scale correlate as real answers do.
        let disposition = rng.normal();
        let questions = self.questions();
        let mut completed = true;
        let mut consent = false;
        let mut enrolled: Option<f64> = None;
        for q in &questions {
            let asked = q.roles.contains(&role)
                && (q.waves.is_empty() || q.waves.contains(&self.wave))
                && (q.module.is_none() || q.id == "D00" || consent)
                && !(q.id == "L05" && completed)
                && (completed || !matches!(q.id.as_str(), "L11" | "L12"));
            let mut cell = if asked {
                self.answer(rng, q, disposition)
            } else {
                String::new()
            };
            match (q.id.as_str(), enrolled) {
                ("P01", _) => enrolled = cell.parse().ok(),
                // Earned credentials follow enrolment; lagging pilots complete fewer.
                ("P02", Some(n)) if asked => {
                    let rate = if self.pilot_effect < 0.0 { 0.55 } else { 0.8 };
                    cell = (n * (rate + 0.1 * rng.uniform())).round().to_string();
                }
                _ => {}
            }
            if q.id == "L04" {
                completed = cell.is_empty()
                    || cell == "completed_credential"
                    || cell == "Completed and earned the credential";
            }
            if q.id == "D00" {
                consent = cell == "yes" || cell == "Yes";
            }
            row.push(cell);
        }
        row
    }

    fn answer(&self, rng: &mut Rng, q: &Question, disposition: f64) -> String {
        let labels = self.style.labels;
        match q.kind {
            QuestionKind::Likert => {
                let r = rng.uniform();
                if r < 0.03 {
                    return String::new();
                }
                if r < 0.05 {
                    return if labels {
                        "Don't know".into()
                    } else {
                        "N/A".into()
                    };
                }
                let scale = self.codebook.scale_of(q).expect("likert has a scale");
                // Unit variance: the disposition's share plus the item's own noise.
                let loading = if q.id == "L10" {
                    0.0
                } else {
                    DISPOSITION_LOADING
                };
                let latent = self.likert_shift(&q.id)
                    + loading * disposition
                    + (1.0 - loading * loading).sqrt() * rng.normal();
                let cuts = [-1.6, -0.8, -0.1, 1.0];
                let level = cuts.iter().filter(|c| latent > **c).count();
                let level = &scale.levels[level.min(scale.levels.len() - 1)];
                if labels {
                    level.label.clone()
                } else {
                    level.code.to_string()
                }
            }
            QuestionKind::YesNo => {
                if rng.uniform() < 0.02 {
                    return String::new();
                }
                let yes = rng.uniform() < self.yes_probability(&q.id);
                match (labels, yes) {
                    (true, true) => "Yes".into(),
                    (true, false) => "No".into(),
                    (false, true) => "yes".into(),
                    (false, false) => "no".into(),
                }
            }
            QuestionKind::Single => {
                if rng.uniform() < 0.03 {
                    return String::new();
                }
                let weights = self.option_weights(q);
                let k = rng.weighted(&weights);
                let option = &q.options[k];
                if labels {
                    option.label.clone()
                } else {
                    option.code.clone()
                }
            }
            QuestionKind::Multi => {
                let n = q.options.len();
                let mut chosen: Vec<usize> = (0..n)
                    .filter(|&k| !q.options[k].exclusive && rng.uniform() < multi_probability(q, k))
                    .collect();
                if let Some(max) = q.max_choices {
                    chosen.truncate(max);
                }
                if chosen.is_empty() {
                    chosen.push(
                        q.options
                            .iter()
                            .position(|o| o.exclusive)
                            .unwrap_or(rng.below(n as u64) as usize),
                    );
                }
                let parts: Vec<&str> = chosen
                    .iter()
                    .map(|&k| {
                        if labels {
                            q.options[k].label.as_str()
                        } else {
                            q.options[k].code.as_str()
                        }
                    })
                    .collect();
                parts.join(if labels { "; " } else { ";" })
            }
            QuestionKind::Numeric => match q.id.as_str() {
                "P01" => (20 + rng.below(100)).to_string(),
                "P03" => (1 + rng.below(7)).to_string(),
                _ => rng.below(5).to_string(),
            },
            QuestionKind::Text => {
                let chance = if q.id == "P06" { 0.4 } else { 0.3 };
                if rng.uniform() < chance {
                    let list: &[&str] = if q.id == "P06" {
                        &FRAMEWORK_COMMENTS
                    } else {
                        &COMMENTS
                    };
                    list[rng.below(list.len() as u64) as usize].to_string()
                } else {
                    String::new()
                }
            }
        }
    }

    /// The latent mean of a rating item for this pilot and wave.
    fn likert_shift(&self, id: &str) -> f64 {
        let base = match id {
            "E05" => 0.2,
            "L10" => 0.3,
            "P10" => 0.1,
            _ => 0.6,
        };
        let trend = match id {
            "E06" | "P05" => 0.3 * self.wave as f64 - 0.45,
            _ => 0.0,
        };
        let pilot = if id == "L10" { 0.0 } else { self.pilot_effect };
        base + trend + pilot
    }

    fn yes_probability(&self, id: &str) -> f64 {
        let w = self.wave as f64;
        let lag = if self.pilot_effect < 0.0 { -0.1 } else { 0.0 };
        match id {
            "L03" => 0.30 + 0.10 * w,
            "L11" => 0.70 + 0.075 * w + lag,
            "E07" => 0.82 + lag * 2.0,
            "P11" => 0.45,
            "D00" => 0.85,
            _ => 0.5,
        }
    }

    fn option_weights(&self, q: &Question) -> Vec<f64> {
        let n = q.options.len();
        let mut weights = vec![1.0; n];
        match q.id.as_str() {
            "L04" => {
                weights = vec![6.0, 1.0, 1.0, 1.0];
                if self.pilot_effect < 0.0 {
                    weights[2] = 3.0;
                }
            }
            "L13" => weights = vec![2.0, 2.0, 1.5, 4.0, 0.3, 0.8],
            "D01" => weights = vec![2.0, 4.0, 3.0, 2.0, 1.0, 0.3, 0.4],
            "D02" => weights = vec![5.0, 4.0, 0.4, 0.2, 0.4],
            _ => {}
        }
        weights.truncate(n);
        weights.resize(n, 1.0);
        weights
    }

    /// A learner who declined the equity module but answered its questions anyway.
    fn answer_without_consent(&self, row: &mut [String]) {
        let header = self.header();
        let questions = self.questions();
        let first_question = header.len() - questions.len();
        for (offset, q) in questions.iter().enumerate() {
            let cell = &mut row[first_question + offset];
            match q.id.as_str() {
                "D00" => {
                    *cell = if self.style.labels {
                        "No".into()
                    } else {
                        "no".into()
                    }
                }
                "D02" => *cell = "prefer_not".into(),
                _ => {}
            }
        }
    }

    fn use_french_comments(&self, rng: &mut Rng, rows: &mut [Vec<String>]) {
        let header = self.header();
        let questions = self.questions();
        let first_question = header.len() - questions.len();
        if let Some(offset) = questions.iter().position(|q| q.id == "L15") {
            for row in rows.iter_mut() {
                let cell = &mut row[first_question + offset];
                if !cell.is_empty() {
                    *cell = FRENCH_COMMENTS[rng.below(FRENCH_COMMENTS.len() as u64) as usize]
                        .to_string();
                }
            }
        }
    }

    fn render(&self, rows: &[Vec<String>]) -> String {
        let mut writer = csv::WriterBuilder::new()
            .terminator(if self.style.crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(Vec::new());
        let write = |w: &mut csv::Writer<Vec<u8>>, record: &[String]| {
            w.write_record(record)
                .expect("writing to memory cannot fail");
        };
        write(&mut writer, &self.header());
        for row in rows {
            write(&mut writer, row);
        }
        let bytes = writer.into_inner().expect("writing to memory cannot fail");
        String::from_utf8(bytes).expect("the sample is built from UTF-8 text")
    }
}

fn multi_probability(q: &Question, option: usize) -> f64 {
    match (q.id.as_str(), option) {
        ("P13", 0) => 0.9,
        ("P13", 1) => 0.6,
        ("D03", 0) => 0.04,
        ("D03", 1) => 0.03,
        ("D03", _) => 0.01,
        ("D04", 7) => 0.55,
        ("D04", 5) => 0.12,
        ("D04", _) => 0.06,
        (_, 0) => 0.45,
        _ => 0.25,
    }
}

/// A submission date: the pilot's start plus the wave's usual delay plus a few days.
fn submitted(rng: &mut Rng, start_date: &str, wave: usize, with_time: bool) -> String {
    let start = chrono::NaiveDate::parse_from_str(start_date, "%Y-%m-%d")
        .unwrap_or(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("a valid date"));
    let weeks = [10, 23, 36, 62][wave.min(3)];
    let date = start + chrono::Duration::days(weeks * 7 + rng.below(21) as i64);
    if with_time {
        format!(
            "{} {:02}:{:02}:{:02}",
            date.format("%Y-%m-%d"),
            8 + rng.below(12),
            rng.below(60),
            rng.below(60)
        )
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

/// `L06_skills_taught_are`: the first three words of the question, as some platforms add.
fn slug(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(3)
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// `project_lead` -> `Project lead`.
fn title_case(code: &str) -> String {
    let spaced = code.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn readme_text(survey: &Survey, seed: u64, files: usize) -> String {
    let mut text = String::new();
    let _ = write!(
        text,
        "# Synthetic sample survey exports\n\n\
**Everything in this folder is synthetic.** It was written by `mctrack sample --seed {seed}` and \
describes no real pilot, person or result. No figure here may be attributed to *The future is \
micro* (Gooch et al., 2022) or to eCampusOntario.\n\n\
{files} files: one per pilot per wave for the {} pilots of `surveys/pilots.csv` and the waves \
{}. Each file holds the pilot's learners, employer partners, educators and project lead.\n\n\
## Imperfections, as real exports have them\n\n\
- Blank answers, `N/A` and `Don't know` in rating items.\n\
- Some pilots export answer labels (`Agree`, `Project lead`) instead of codes; some use \
`ID_slug` headers (`L06_skills_taught_are`), and some full question text as headers.\n\
- Two files carry a duplicated submission: `P09_exit.csv` and `P26_followup_3m.csv`.\n\
- `P12_exit.csv` is in Windows-1252 with CRLF line endings, as older Excel on Windows saves it.\n\
- `P05` and `P29` exports include an `Email` column, which import drops as an identifier.\n\
- In `P01_exit.csv` one learner declined the equity module (D00 = no) but answered D02; import \
discards that answer.\n\n\
## Effects built in\n\n{EFFECTS}",
        survey.pilots.len(),
        survey.codebook.waves.join(", ")
    );
    text
}

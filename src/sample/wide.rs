//! The benchmark workload: one wide CSV of any size, as a national programme's export would
//! look after several waves, and the codebook that describes it. Seeded and deterministic, so
//! every machine benchmarks the same bytes. Shaped by issue 7: 36 pilots, 8 waves, 3 roles,
//! Likert items skewed toward 4 with about 7% blank, two free-text columns whose quoted fields
//! hold commas and doubled quotes, and one multi-select column joined with `;`.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use super::rng::Rng;
use crate::error::{Error, Result};

pub const PILOTS: usize = 36;
pub const WAVES: usize = 8;
pub const ROLES: [&str; 3] = ["learner", "employer", "educator"];
/// Items in the workload the issue describes; `--items` changes it for the growth table.
pub const DEFAULT_ITEMS: usize = 40;
/// Share of rating cells left blank.
const BLANK: f64 = 0.07;
/// Level weights for codes 1..5, skewed toward 4.
const LEVEL_WEIGHTS: [f64; 5] = [0.05, 0.10, 0.20, 0.40, 0.25];
const ROLE_WEIGHTS: [f64; 3] = [0.70, 0.15, 0.15];
const SUPPORTS: [&str; 6] = [
    "flexible_schedule",
    "employer_paid",
    "mentoring",
    "online_tutoring",
    "childcare",
    "none_needed",
];
/// Comment fragments; several hold commas and double quotes so that the CSV must quote them.
const PHRASES: [&str; 8] = [
    "Good pace, clear labs",
    "The \"capstone\" was the best part",
    "Too short, honestly",
    "Wanted more feedback, \"real\" feedback",
    "My employer noticed",
    "Hard to fit around shifts, but worth it",
    "Badge shared on LinkedIn",
    "Instructor was great",
];

/// The id of rating item `i` (0-based): Q001, Q002, ...
pub fn item_id(i: usize) -> String {
    format!("Q{:03}", i + 1)
}

/// The codebook of a file written by `write_wide` with `items` rating items. Items are tagged
/// to the eight recommendations in turn so that the summary shows them in eight sections.
pub fn codebook_text(items: usize) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# Codebook of the benchmark workload (`mctrack sample --rows N --items {items}`).\n\
         # Written by src/sample/wide.rs; benches/codebook.toml is the 40-item one.\n\n\
         [codebook]\ntitle = \"Benchmark workload\"\nversion = \"bench-{items}\"\n\n\
         [privacy]\nmin_cell = 10\ndrop_columns = [\"email\"]\n\n\
         [metadata]\nrespondent_id = {{ column = \"respondent_id\" }}\n\
         pilot = {{ column = \"pilot_id\" }}\nwave = {{ column = \"wave\" }}\n\
         role = {{ column = \"role\" }}\nsubmitted = {{ column = \"submitted_date\" }}\n\n[roles]\nvalues = [{}]\n\n[waves]\nvalues = [{}]\n\n\
         [missing]\nlabels = [\"\", \"N/A\"]\n\n[scales.agree5]\nlevels = [\n  \
         {{ code = 1, label = \"Strongly disagree\" }},\n  {{ code = 2, label = \"Disagree\" }},\n  \
         {{ code = 3, label = \"Neither agree nor disagree\" }},\n  {{ code = 4, label = \"Agree\" }},\n  \
         {{ code = 5, label = \"Strongly agree\" }},\n]\ntop_box = 2",
        ROLES.map(|r| format!("\"{r}\"")).join(", "),
        (1..=WAVES)
            .map(|w| format!("\"w{w}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let roles = ROLES.map(|r| format!("\"{r}\"")).join(", ");
    for i in 0..items {
        let _ = writeln!(
            t,
            "\n[[questions]]\nid = \"{}\"\ntext = \"Rating item {}.\"\ntype = \"likert\"\nscale = \"agree5\"\nroles = [{roles}]\nrecs = [\"R{}\"]",
            item_id(i),
            i + 1,
            i % 8 + 1
        );
    }
    for (id, rec) in [("comment_1", "R5"), ("comment_2", "R8")] {
        let _ = writeln!(
            t,
            "\n[[questions]]\nid = \"{id}\"\ntext = \"Free-text comment.\"\ntype = \"text\"\nroles = [{roles}]\nrecs = [\"{rec}\"]"
        );
    }
    let _ = writeln!(
        t,
        "\n[[questions]]\nid = \"supports\"\ntext = \"Which supports did you use? (select all)\"\ntype = \"multi\"\nroles = [{roles}]\nrecs = [\"R7\"]\noptions = ["
    );
    for s in SUPPORTS {
        let _ = writeln!(
            t,
            "  {{ code = \"{s}\", label = \"{}\" }},",
            s.replace('_', " ")
        );
    }
    t.push_str("]\n");
    t
}

/// Writes `rows` responses with `items` rating items to `path`. Returns the bytes written.
pub fn write_wide(path: &Path, rows: u64, items: usize, seed: u64) -> Result<u64> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut line = Vec::with_capacity(512);
    line.extend_from_slice(b"respondent_id,pilot_id,wave,role");
    for i in 0..items {
        line.push(b',');
        line.extend_from_slice(item_id(i).as_bytes());
    }
    line.extend_from_slice(b",comment_1,comment_2,supports\n");
    let mut written = line.len() as u64;
    out.write_all(&line).map_err(|e| Error::io(path, e))?;
    let mut rng = Rng::new(seed);
    for r in 0..rows {
        line.clear();
        let pilot = rng.below(PILOTS as u64) + 1;
        let wave = rng.below(WAVES as u64) + 1;
        let role = ROLES[rng.weighted(&ROLE_WEIGHTS)];
        let _ = write!(line, "R{:08},P{pilot:02},w{wave},{role}", r + 1);
        for _ in 0..items {
            line.extend_from_slice(b",");
            if rng.uniform() >= BLANK {
                line.push(b'1' + rng.weighted(&LEVEL_WEIGHTS) as u8);
            }
        }
        for _ in 0..2 {
            line.extend_from_slice(b",");
            if rng.uniform() < 0.6 {
                let a = PHRASES[rng.below(PHRASES.len() as u64) as usize];
                let b = PHRASES[rng.below(PHRASES.len() as u64) as usize];
                line.push(b'"');
                line.extend_from_slice(format!("{a}; {b}").replace('"', "\"\"").as_bytes());
                line.push(b'"');
            }
        }
        line.push(b',');
        let mut first = true;
        for s in SUPPORTS {
            if rng.uniform() < 0.3 {
                if !first {
                    line.push(b';');
                }
                line.extend_from_slice(s.as_bytes());
                first = false;
            }
        }
        line.push(b'\n');
        written += line.len() as u64;
        out.write_all(&line).map_err(|e| Error::io(path, e))?;
    }
    out.flush().map_err(|e| Error::io(path, e))?;
    Ok(written)
}

//! Each import's summary counts (`analysis::counts`), written in the import's transaction
//! beside its responses, so that `summary` over a million stored responses reads a few
//! thousand counters instead of every row.
//!
//! The counters follow the codebook's layout at import time. That layout is recorded as a
//! signature (waves, roles, and each question's id, kind and number of levels or options);
//! when the codebook in use has another, or an import has no counts (stores written before
//! they existed), the caller reads the responses instead, which always gives the answer.
//!
//! One row per import in `import_counts`: the pilot ids as a JSON array, and a blob of cells,
//! each `pilot u32, wave u8, role u8, width x u64 counters, n u32, n x (question u32,
//! position u64, value f64 bits)`, little-endian. Hand-written: it is a flat array of
//! integers, and no serialisation crate in the tree writes one more simply.

use crate::analysis::counts::{CellKey, Counts, Slots};
use crate::codebook::{Codebook, QuestionKind};

/// The layout the counters follow, as a string two codebooks share exactly when their
/// counters line up and the stored codes mean the same levels (so that a codebook whose
/// codes changed is read through the rows, which say which stored code it lacks).
pub fn layout_signature(codebook: &Codebook) -> String {
    let mut parts = vec![codebook.waves.join(","), codebook.roles.join(",")];
    for q in &codebook.questions {
        let codes: Vec<String> = match q.kind {
            QuestionKind::Likert => codebook
                .scale_of(q)
                .map(|s| s.levels.iter().map(|l| l.code.to_string()).collect())
                .unwrap_or_default(),
            QuestionKind::Single | QuestionKind::Multi => {
                q.options.iter().map(|o| o.code.clone()).collect()
            }
            QuestionKind::YesNo => vec!["0".into(), "1".into()],
            QuestionKind::Text | QuestionKind::Numeric => Vec::new(),
        };
        parts.push(format!("{}:{:?}:{}", q.id, q.kind, codes.join(";")));
    }
    parts.join("\n")
}

/// One import's counts (a single source) as its pilot ids in JSON and the cells' blob, the
/// cells in order of pilot, wave and role: the same bytes whichever order the import met them
/// in (the exact path counts row by row, the streaming import chunk by chunk).
pub fn encode(counts: &Counts) -> (String, Vec<u8>) {
    let pilots = serde_json::to_string(&counts.pilot_ids).unwrap_or_else(|_| "[]".into());
    let mut blob = Vec::new();
    let mut cells: Vec<_> = counts.cells.iter().zip(&counts.numbers).collect();
    cells.sort_by_key(|((key, _), _)| (key.pilot, key.wave, key.role));
    for ((key, counters), numbers) in cells {
        blob.extend_from_slice(&key.pilot.to_le_bytes());
        blob.push(key.wave);
        blob.push(key.role);
        for c in counters {
            blob.extend_from_slice(&c.to_le_bytes());
        }
        blob.extend_from_slice(&(numbers.len() as u32).to_le_bytes());
        for (q, position, value) in numbers {
            blob.extend_from_slice(&q.to_le_bytes());
            blob.extend_from_slice(&position.to_le_bytes());
            blob.extend_from_slice(&value.to_bits().to_le_bytes());
        }
    }
    (pilots, blob)
}

/// Adds one import's encoded counts to `counts` as `source`; None when the blob does not
/// parse or names a wave, role or question `codebook` lacks (a damaged store), so the caller
/// falls back to the responses.
pub fn decode_into(
    counts: &mut Counts,
    codebook: &Codebook,
    source: u32,
    pilots: &str,
    blob: &[u8],
) -> Option<()> {
    let pilots: Vec<String> = serde_json::from_str(pilots).ok()?;
    let pilots: Vec<u32> = pilots.iter().map(|p| counts.pilot_index(p)).collect();
    let width = counts.layout.width;
    let mut reader = Reader(blob);
    let mut counters = vec![0u64; width];
    while !reader.0.is_empty() {
        let pilot = *pilots.get(reader.u32()? as usize)?;
        let wave = reader
            .u8()
            .filter(|&w| (w as usize) < codebook.waves.len())?;
        let role = reader
            .u8()
            .filter(|&r| (r as usize) < codebook.roles.len())?;
        for c in counters.iter_mut() {
            *c = reader.u64()?;
        }
        let key = CellKey {
            source,
            pilot,
            wave,
            role,
        };
        counts.merge_cell(key, &counters);
        let at = counts.cell(key);
        for _ in 0..reader.u32()? {
            let q = reader
                .u32()
                .filter(|&q| counts.layout.slots.get(q as usize) == Some(&Slots::Numbers))?;
            let position = reader.u64()?;
            let value = f64::from_bits(reader.u64()?);
            counts.numbers[at].push((q, position, value));
        }
    }
    Some(())
}

/// Little-endian integers read off the front of a slice.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|b| b[0])
    }

    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
}

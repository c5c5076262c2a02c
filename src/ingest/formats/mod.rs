//! Survey platforms: how to recognise each one's export and how its header rows name the
//! columns. Each platform has a file here; `detect` asks them in turn and falls back to the
//! generic one-header-row layout.

mod generic;
mod google_forms;
mod kobo;
mod limesurvey;
mod ms_forms;
mod qualtrics;
mod surveymonkey;
pub mod xlsx;

use crate::codebook::text::normalize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// One header row of question ids or texts (mctrack's own layout).
    Generic,
    /// Qualtrics, current layout (3 header rows with an ImportId row) or the 2016-17 Insights one.
    Qualtrics,
    /// Qualtrics legacy layout (V1..Vn, 2 header rows).
    QualtricsLegacy,
    /// SurveyMonkey, 2 header rows, condensed or expanded.
    Surveymonkey,
    GoogleForms,
    MsForms,
    Limesurvey,
    /// KoboToolbox (";"-separated, optional hashtag row).
    Kobo,
    /// ODK Briefcase / ODK Central.
    Odk,
}

/// What a platform's own bookkeeping column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformField {
    RespondentId,
    Started,
    Ended,
    /// When the response was submitted; becomes the submitted date.
    Submitted,
    DurationSeconds,
    Progress,
    Finished,
    /// A column that identifies a person or place: dropped.
    Identifier,
    /// Platform bookkeeping with no bearing on analysis (status, language, ...): ignored.
    Bookkeeping,
}

/// The shape of one platform's export.
pub struct Layout {
    pub platform: Platform,
    /// Rows before the first response (header rows, a hashtag row).
    pub header_rows: usize,
    /// Per column: the names it goes by, most specific first (export tag, question text,
    /// import id, "question [option]").
    pub names: Vec<Vec<String>>,
    /// For SurveyMonkey and similar: per column, the question part and the option part of a
    /// two-row header, when the second row names an option or sub-item.
    pub parts: Vec<Option<(String, String)>>,
    /// How multi-select answers are joined in one cell, tried in order.
    pub separators: &'static [&'static str],
    known: &'static [(&'static str, PlatformField)],
    /// Header prefixes of platform columns (LimeSurvey's "Question time: ...").
    known_prefixes: &'static [(&'static str, PlatformField)],
}

impl Layout {
    /// Keeps the first `width` columns.
    pub fn truncate(&mut self, width: usize) {
        self.names.truncate(width);
        self.parts.truncate(width);
    }

    /// The platform field of a column, by any of its names.
    pub fn platform_field(&self, column: usize) -> Option<PlatformField> {
        let names = &self.names[column];
        let exact = |key: &str| {
            self.known
                .iter()
                .chain(COMMON_IDENTIFIERS)
                .find(|(name, _)| normalize(name) == key)
                .map(|(_, field)| *field)
        };
        let by_prefix = |key: &str| {
            self.known_prefixes
                .iter()
                .find(|(prefix, _)| key.starts_with(&normalize(prefix)))
                .map(|(_, field)| *field)
        };
        names
            .iter()
            .map(|n| normalize(n))
            .find_map(|key| exact(&key).or_else(|| by_prefix(&key)))
            .or_else(|| {
                names
                    .iter()
                    .any(|n| kobo::is_geopoint_part(n))
                    .then_some(PlatformField::Identifier)
            })
    }

    /// The column whose value stands in for a respondent id when the export has none: the
    /// timestamp of a Google Forms export.
    pub fn fallback_id_column(&self) -> Option<usize> {
        (self.platform == Platform::GoogleForms).then_some(0)
    }
}

/// Identifier columns any platform may carry.
const COMMON_IDENTIFIERS: &[(&str, PlatformField)] = &[
    ("IPAddress", PlatformField::Identifier),
    ("IP Address", PlatformField::Identifier),
    ("LocationLatitude", PlatformField::Identifier),
    ("LocationLongitude", PlatformField::Identifier),
    ("LocationAccuracy", PlatformField::Identifier),
    ("RecipientEmail", PlatformField::Identifier),
    ("RecipientFirstName", PlatformField::Identifier),
    ("RecipientLastName", PlatformField::Identifier),
    ("EmailAddress", PlatformField::Identifier),
    ("Email Address", PlatformField::Identifier),
    ("Email", PlatformField::Identifier),
    ("Name", PlatformField::Identifier),
];

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Generic => "generic CSV",
            Platform::Qualtrics => "Qualtrics",
            Platform::QualtricsLegacy => "Qualtrics (legacy layout)",
            Platform::Surveymonkey => "SurveyMonkey",
            Platform::GoogleForms => "Google Forms",
            Platform::MsForms => "Microsoft Forms",
            Platform::Limesurvey => "LimeSurvey",
            Platform::Kobo => "KoboToolbox",
            Platform::Odk => "ODK",
        }
    }

    /// Recognises the platform from the first rows of a file.
    pub fn detect(rows: &[Vec<String>]) -> Platform {
        let Some(header) = rows.first() else {
            return Platform::Generic;
        };
        if qualtrics::is_current(rows) {
            Platform::Qualtrics
        } else if qualtrics::is_legacy(rows) {
            Platform::QualtricsLegacy
        } else if surveymonkey::detect(rows) {
            Platform::Surveymonkey
        } else if ms_forms::detect(header) {
            Platform::MsForms
        } else if google_forms::detect(header) {
            Platform::GoogleForms
        } else if limesurvey::detect(header) {
            Platform::Limesurvey
        } else if kobo::is_kobo(header) {
            Platform::Kobo
        } else if kobo::is_odk(header) {
            Platform::Odk
        } else {
            Platform::Generic
        }
    }

    /// The layout of `rows` read as this platform's export.
    pub fn layout(self, rows: &[Vec<String>]) -> Layout {
        match self {
            Platform::Qualtrics => qualtrics::layout_current(rows),
            Platform::QualtricsLegacy => qualtrics::layout_legacy(rows),
            Platform::Surveymonkey => surveymonkey::layout(rows),
            Platform::GoogleForms => google_forms::layout(rows),
            Platform::MsForms => ms_forms::layout(rows),
            Platform::Limesurvey => limesurvey::layout(rows),
            Platform::Kobo => kobo::layout_kobo(rows),
            Platform::Odk => kobo::layout_odk(rows),
            Platform::Generic => generic::layout(rows),
        }
    }
}

/// A one-header-row layout whose columns go by their header, and by the question and option
/// parts of "Question [Option]" or "question/option" headers.
fn single_row_layout(
    platform: Platform,
    rows: &[Vec<String>],
    header_rows: usize,
    option_split: fn(&str) -> Option<(String, String)>,
    separators: &'static [&'static str],
    known: &'static [(&'static str, PlatformField)],
) -> Layout {
    let header = rows.first().cloned().unwrap_or_default();
    Layout {
        platform,
        header_rows,
        parts: header.iter().map(|h| option_split(h)).collect(),
        names: header.into_iter().map(|h| vec![h]).collect(),
        separators,
        known,
        known_prefixes: &[],
    }
}

/// "Question [Option]" -> ("Question", "Option").
fn bracket_split(header: &str) -> Option<(String, String)> {
    let trimmed = header.trim_end();
    let inner = trimmed.strip_suffix(']')?;
    let open = inner.rfind(" [")?;
    Some((inner[..open].to_string(), inner[open + 2..].to_string()))
}

/// "question/option" -> ("question", "option"), the Kobo and ODK form.
fn slash_split(header: &str) -> Option<(String, String)> {
    let (question, option) = header.rsplit_once('/')?;
    (!question.is_empty() && !option.is_empty()).then(|| (question.to_string(), option.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn detects_each_platform_from_its_header() {
        let cases = [
            ("StartDate,EndDate,ResponseId,Q1\nStart Date,End Date,Response ID,Q one\n\"{\"\"ImportId\"\":\"\"startDate\"\"}\",x,y,z\n", Platform::Qualtrics),
            ("V1,V2,Q1\nResponseID,ResponseSet,Q one\nR_1,x,1\n", Platform::QualtricsLegacy),
            ("RespondentID,Q one,\n,Response,Other\n1,a,b\n", Platform::Surveymonkey),
            ("RespondentID,Gender,\n,Male,Female\n1,Male,\n", Platform::Surveymonkey),
            ("Timestamp,Q one\n8/21/2019 13:10:31,a\n", Platform::GoogleForms),
            ("ID,Start time,Completion time,Email,Name,Q one\n1,a,b,c,d,e\n", Platform::MsForms),
            ("id,submitdate,lastpage,startlanguage,Q1\n1,a,b,c,d\n", Platform::Limesurvey),
            ("start,end,q,_id,_uuid,_submission_time,_index\n", Platform::Kobo),
            ("SubmissionDate,q,meta-instanceID,KEY\n", Platform::Odk),
            ("response_id,pilot_id,L06\n", Platform::Generic),
        ];
        for (text, platform) in cases {
            assert_eq!(Platform::detect(&rows(text)), platform, "{text}");
        }
    }

    #[test]
    fn splits_option_headers() {
        assert_eq!(
            bracket_split("Describe yourselves [Openness]"),
            Some(("Describe yourselves".into(), "Openness".into()))
        );
        assert_eq!(
            slash_split("some_group-q/CHOICE_1"),
            Some(("some_group-q".into(), "CHOICE_1".into()))
        );
        assert_eq!(bracket_split("No option"), None);
    }
}

//! A CSV record splitter for the streaming summary, giving exactly the fields the csv crate
//! gives with mctrack's reader settings (comma, `"` quotes doubled to escape, CR, LF or CRLF
//! ending a record, blank lines skipped, ragged records allowed).
//!
//! Written by hand because csv-core walks a state machine byte by byte, which was a third of
//! the streaming summary's time: survey exports are mostly one-byte rating codes, so the
//! splitter checks a field's first byte, finds its end in a short loop, and jumps over quoted
//! free text with `memchr`. A field is a span of the read buffer; only a quoted field with a
//! doubled quote, or with bytes after its closing quote, is copied out and unescaped. The
//! streaming summary reads a plain record's cells in place from `classify`'s masks, and
//! splits any other with `Splitter::next_record`. `tests/stream.rs` checks the splitter
//! against the csv crate on arbitrary bytes.

use std::fs::File;
use std::io::{self, Read};

use memmap2::{Mmap, MmapOptions};

/// Where a field's bytes are: in the read buffer, or unescaped into `Record::unescaped`.
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
    unescaped: bool,
}

/// One record's fields, valid until the next call to `Splitter::next_record`.
#[derive(Default)]
pub struct Record {
    spans: Vec<Span>,
    unescaped: Vec<u8>,
    /// The record's bytes in the buffer, terminator excluded.
    raw: (usize, usize),
}

/// Reads records from its input, whose bytes in view always hold a whole record.
pub struct Splitter<R> {
    input: Input<R>,
    /// The first byte not yet split.
    start: usize,
    /// The end of the bytes in view: those read into the buffer, or for a mapped file those
    /// mapped up to `max_record` past the record `refill` last found unfinished.
    filled: usize,
    eof: bool,
    /// Bytes of the input before its first byte in view.
    consumed: u64,
    /// A record longer than this stops the splitter (the in-memory path then reports it).
    max_record: usize,
}

/// Where a splitter's bytes are.
enum Input<R> {
    /// Read from `source` into `buffer`, from which split records are moved out for more.
    Read { source: R, buffer: Vec<u8> },
    /// `file` (`len` bytes) from byte `from` on, read in place through a map of `window`
    /// bytes of it at a time: the kernel does not copy it into a buffer first, which was a
    /// tenth of the streaming summary's time.
    Mapped {
        file: File,
        from: u64,
        len: u64,
        window: u64,
        map: Mmap,
    },
}

impl<R> Input<R> {
    fn bytes(&self) -> &[u8] {
        match self {
            Input::Read { buffer, .. } => buffer,
            Input::Mapped { map, .. } => map,
        }
    }
}

/// A map of up to `window` bytes of `file` (`len` bytes) from byte `at`, which is before its
/// end.
fn map_window(file: &File, at: u64, window: u64, len: u64) -> io::Result<Mmap> {
    let window = len.saturating_sub(at).min(window) as usize;
    // SAFETY: the map is only read, and lives no longer than its splitter. A file cut short
    // while it is mapped ends the program (SIGBUS) when the lost bytes are read, as it would
    // any tool that maps its input; the bytes are read once each, so one that changes does
    // no more than a `read` of it would.
    unsafe { MmapOptions::new().offset(at).len(window).map(file) }
}

/// Why `next_record` could not give a record.
#[derive(Debug)]
pub enum SplitError {
    Io(io::Error),
    /// A record longer than the splitter's limit (an unclosed quote, most likely).
    TooLong,
}

impl From<io::Error> for SplitError {
    fn from(e: io::Error) -> SplitError {
        SplitError::Io(e)
    }
}

/// A record split from the buffer: its fields' bytes, and the record as it stands in the file.
pub struct Fields<'a> {
    buffer: &'a [u8],
    record: &'a Record,
}

impl<'a> Fields<'a> {
    pub fn len(&self) -> usize {
        self.record.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.record.spans.is_empty()
    }

    pub fn get(&self, i: usize) -> &'a [u8] {
        let span = self.record.spans[i];
        let bytes = if span.unescaped {
            &self.record.unescaped
        } else {
            self.buffer
        };
        &bytes[span.start as usize..span.end as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The record as it stands in the file, without its terminator: UTF-8 exactly when every
    /// field is, since fields are split at ASCII bytes.
    pub fn raw(&self) -> &'a [u8] {
        &self.buffer[self.record.raw.0..self.record.raw.1]
    }
}

/// How a parse of the buffered bytes ended.
enum Parsed {
    /// A record ending at this index, terminator included.
    Record(usize),
    /// The buffer ends inside the record: read more.
    Incomplete,
}

impl Splitter<File> {
    /// Splits `file` from byte `from` on, read in place through memory maps of `window` bytes
    /// (at least `max_record`, which is what any record may need in view); an error when it
    /// cannot be mapped (it is not a regular file, or nothing is left of it). Its pages are
    /// those of the kernel's cache: the maps hold no more memory than a buffer would.
    pub fn mapped(
        file: File,
        from: u64,
        window: u64,
        max_record: usize,
    ) -> io::Result<Splitter<File>> {
        let len = file.metadata()?.len();
        if from >= len {
            return Err(io::Error::other("nothing to map"));
        }
        let window = window.max(max_record as u64);
        let map = map_window(&file, from, window, len)?;
        let mut splitter = Splitter {
            filled: 0,
            input: Input::Mapped {
                file,
                from,
                len,
                window,
                map,
            },
            start: 0,
            eof: false,
            consumed: 0,
            max_record,
        };
        splitter
            .refill()
            .map_err(|_| io::Error::other("not mapped"))?;
        Ok(splitter)
    }
}

impl<R: Read> Splitter<R> {
    pub fn new(source: R, capacity: usize, max_record: usize) -> Splitter<R> {
        Splitter {
            input: Input::Read {
                source,
                buffer: vec![0; capacity.max(64)],
            },
            start: 0,
            filled: 0,
            eof: false,
            consumed: 0,
            max_record,
        }
    }

    /// The offset of the next record, past any blank lines; None at the end of the input.
    pub fn next_start(&mut self) -> Result<Option<u64>, SplitError> {
        loop {
            let bytes = self.input.bytes();
            while self.start < self.filled && matches!(bytes[self.start], b'\r' | b'\n') {
                self.start += 1;
            }
            if self.start < self.filled {
                return Ok(Some(self.consumed + self.start as u64));
            }
            if self.eof {
                return Ok(None);
            }
            self.refill()?;
        }
    }

    /// Splits the next record into `record`; None at the end of the input.
    pub fn next_record<'a>(
        &'a mut self,
        record: &'a mut Record,
    ) -> Result<Option<Fields<'a>>, SplitError> {
        if self.next_start()?.is_none() {
            return Ok(None);
        }
        loop {
            match parse(
                &self.input.bytes()[..self.filled],
                self.start,
                self.eof,
                record,
            ) {
                Parsed::Record(end) => {
                    self.start = end;
                    return Ok(Some(Fields {
                        buffer: self.input.bytes(),
                        record,
                    }));
                }
                Parsed::Incomplete => self.refill()?,
            }
        }
    }

    /// The buffered bytes, where the next record starts in them (call `next_start` first),
    /// and whether the input ends with them: for a caller that reads a record in place.
    pub fn window(&self) -> (&[u8], usize, bool) {
        (&self.input.bytes()[..self.filled], self.start, self.eof)
    }

    /// Marks the bytes before `end` (an index into `window`'s bytes) as read.
    pub fn consume(&mut self, end: usize) {
        self.start = end.clamp(self.start, self.filled);
    }

    /// Moves the unsplit bytes to the front and reads more after them, growing the buffer
    /// when one record fills it; for a mapped file, brings into view `max_record` bytes from
    /// the record not yet split.
    pub fn refill(&mut self) -> Result<(), SplitError> {
        let (source, buffer) = match &mut self.input {
            Input::Read { source, buffer } => (source, buffer),
            Input::Mapped {
                file,
                from,
                len,
                window,
                map,
            } => {
                if self.filled - self.start >= self.max_record {
                    return Err(SplitError::TooLong);
                }
                if self.filled == map.len() {
                    // The map is read to its end: the next one starts at the first byte not
                    // yet split.
                    self.consumed += self.start as u64;
                    (self.start, self.filled) = (0, 0);
                    *map = map_window(file, *from + self.consumed, *window, *len)?;
                }
                self.filled = map.len().min(self.start + self.max_record);
                // The end of the input is seen as a buffer of `max_record` bytes would see it:
                // only when the bytes from the record not yet split fill less than all of it.
                self.eof = *from + self.consumed + self.filled as u64 == *len
                    && self.filled - self.start < self.max_record;
                return Ok(());
            }
        };
        if self.start > 0 {
            buffer.copy_within(self.start..self.filled, 0);
            self.consumed += self.start as u64;
            self.filled -= self.start;
            self.start = 0;
        }
        if self.filled == buffer.len() {
            if buffer.len() >= self.max_record {
                return Err(SplitError::TooLong);
            }
            let grown = (buffer.len() * 2).min(self.max_record);
            buffer.resize(grown, 0);
        }
        let n = loop {
            match source.read(&mut buffer[self.filled..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        };
        self.filled += n;
        self.eof = n == 0;
        Ok(())
    }
}

/// Splits the record starting at `data[at]` (not a CR or LF). At `eof` the data's end ends
/// the record; otherwise a record that reaches it is incomplete.
fn parse(data: &[u8], at: usize, eof: bool, record: &mut Record) -> Parsed {
    record.spans.clear();
    record.unescaped.clear();
    let mut i = at;
    loop {
        let (span, next) = if data.get(i) == Some(&b'"') {
            match quoted_field(data, i, eof, &mut record.unescaped) {
                Some(found) => found,
                None => return Parsed::Incomplete,
            }
        } else if data.get(i + 1) == Some(&b',') && !matches!(data[i], b',' | b'\r' | b'\n') {
            // A one-byte field, the commonest in a survey export (a rating code).
            let span = Span {
                start: i as u32,
                end: i as u32 + 1,
                unescaped: false,
            };
            (span, i + 1)
        } else {
            let mut end = i;
            while end < data.len() && !matches!(data[end], b',' | b'\r' | b'\n') {
                end += 1;
            }
            if end == data.len() && !eof {
                return Parsed::Incomplete;
            }
            let span = Span {
                start: i as u32,
                end: end as u32,
                unescaped: false,
            };
            (span, end)
        };
        record.spans.push(span);
        match data.get(next) {
            Some(b',') => i = next + 1,
            Some(_) => {
                record.raw = (at, next);
                return Parsed::Record(next + 1);
            }
            None => {
                record.raw = (at, next);
                return Parsed::Record(next);
            }
        }
    }
}

/// A quoted field's content with each doubled quote made one: the content itself when it has
/// none, or a copy in `scratch`.
pub fn undouble_quotes<'a>(content: &'a [u8], scratch: &'a mut Vec<u8>) -> &'a [u8] {
    if memchr::memchr(b'"', content).is_none() {
        return content;
    }
    scratch.clear();
    let mut rest = content;
    while let Some(q) = memchr::memchr(b'"', rest) {
        scratch.extend_from_slice(&rest[..=q]);
        rest = rest.get(q + 2..).unwrap_or_default();
    }
    scratch.extend_from_slice(rest);
    scratch
}

/// How many bytes of `rest` come before the comma or line end that ends an unquoted field.
fn unquoted_len(rest: &[u8]) -> usize {
    rest.iter()
        .position(|b| matches!(b, b',' | b'\r' | b'\n'))
        .unwrap_or(rest.len())
}

/// The quoted field opening at `data[open]`, and the index of the byte that ends it (a comma,
/// CR, LF or the data's end). None when the data end before the field does and more may come.
fn quoted_field(
    data: &[u8],
    open: usize,
    eof: bool,
    unescaped: &mut Vec<u8>,
) -> Option<(Span, usize)> {
    let content = open + 1;
    if let Some(close) = memchr::memchr(b'"', &data[content..]).map(|q| content + q) {
        let field_ends = match data.get(close + 1) {
            Some(b',' | b'\r' | b'\n') => true,
            None if eof => true,
            None => return None,
            Some(_) => false,
        };
        if field_ends {
            let span = Span {
                start: content as u32,
                end: close as u32,
                unescaped: false,
            };
            return Some((span, close + 1));
        }
    } else if !eof {
        return None;
    }
    unescape_field(data, content, eof, unescaped)
}

/// csv-core's states inside a field that opened with a quote: a doubled quote is one quote,
/// and bytes after the closing quote belong to the field up to the next comma or line end.
/// The text between quotes is copied a run at a time, found with `memchr`.
fn unescape_field(
    data: &[u8],
    content: usize,
    eof: bool,
    unescaped: &mut Vec<u8>,
) -> Option<(Span, usize)> {
    let start = unescaped.len();
    let mut i = content;
    // Inside the quotes: up to each quote, then a doubled quote or the closing one.
    loop {
        let Some(q) = memchr::memchr(b'"', &data[i..]).map(|q| i + q) else {
            if !eof {
                return None;
            }
            unescaped.extend_from_slice(&data[i..]);
            i = data.len();
            break;
        };
        unescaped.extend_from_slice(&data[i..q]);
        match data.get(q + 1) {
            Some(b'"') => {
                unescaped.push(b'"');
                i = q + 2;
            }
            None if !eof => return None,
            _ => {
                i = q + 1;
                break;
            }
        }
    }
    // After the closing quote: plain bytes up to the next comma or line end.
    let run = unquoted_len(&data[i..]);
    unescaped.extend_from_slice(&data[i..i + run]);
    i += run;
    if i == data.len() && !eof {
        return None;
    }
    let span = Span {
        start: start as u32,
        end: unescaped.len() as u32,
        unescaped: true,
    };
    Some((span, i))
}

/// Where one 64-byte block of CSV has commas, quotes and line ends (CR or LF): bit `i` of
/// each mask for byte `i`. The streaming summary finds a record's fields from these masks,
/// 64 bytes at a time, instead of testing each byte in turn. `unusual` marks NUL bytes and
/// bytes outside ASCII, so that a record without any is known to be plain text without
/// reading it again.
#[derive(Debug, PartialEq)]
pub struct Classes {
    pub comma: u64,
    pub quote: u64,
    pub line: u64,
    pub unusual: u64,
}

/// The block's classes with SSE2, which every x86_64 processor has: sixteen bytes compared
/// at once. Hand-written because the compiler does not turn the scalar loop into these
/// instructions (it was checked), and no CSV crate gives masks without its own record type.
#[cfg(target_arch = "x86_64")]
pub fn classify(block: &[u8; 64]) -> Classes {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut classes = Classes {
        comma: 0,
        quote: 0,
        line: 0,
        unusual: 0,
    };
    for (k, lane) in block.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of the x86_64 baseline, so these instructions exist wherever
        // this is built; the unaligned load reads the 16 bytes of `lane`, which are in bounds.
        // A byte's top bit marks it outside ASCII.
        let [comma, quote, line, unusual] = unsafe {
            let bytes = _mm_loadu_si128(lane.as_ptr().cast());
            let eq = |b: u8| _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b as i8));
            [
                _mm_movemask_epi8(eq(b',')),
                _mm_movemask_epi8(eq(b'"')),
                _mm_movemask_epi8(_mm_or_si128(eq(b'\n'), eq(b'\r'))),
                _mm_movemask_epi8(_mm_or_si128(eq(0), bytes)),
            ]
        };
        let at = 16 * k;
        classes.comma |= u64::from(comma as u16) << at;
        classes.quote |= u64::from(quote as u16) << at;
        classes.line |= u64::from(line as u16) << at;
        classes.unusual |= u64::from(unusual as u16) << at;
    }
    classes
}

/// Whether the processor has AVX2, BMI1 and BMI2, for `classify_avx2` and the code built
/// around it. Checked once: std caches what the processor reports.
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return is_x86_feature_detected!("avx2")
        && is_x86_feature_detected!("bmi1")
        && is_x86_feature_detected!("bmi2");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// `classify` with AVX2: thirty-two bytes compared at once.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
pub unsafe fn classify_avx2(block: &[u8; 64]) -> Classes {
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8,
    };
    let mut classes = Classes {
        comma: 0,
        quote: 0,
        line: 0,
        unusual: 0,
    };
    for (k, lane) in block.chunks_exact(32).enumerate() {
        // SAFETY: the caller vouches for AVX2; the unaligned load reads the 32 bytes of
        // `lane`, which are in bounds. A byte's top bit marks it outside ASCII.
        let [comma, quote, line, unusual] = unsafe {
            let bytes = _mm256_loadu_si256(lane.as_ptr().cast());
            let eq = |b: u8| _mm256_cmpeq_epi8(bytes, _mm256_set1_epi8(b as i8));
            [
                _mm256_movemask_epi8(eq(b',')),
                _mm256_movemask_epi8(eq(b'"')),
                _mm256_movemask_epi8(_mm256_or_si256(eq(b'\n'), eq(b'\r'))),
                _mm256_movemask_epi8(_mm256_or_si256(eq(0), bytes)),
            ]
        };
        let at = 32 * k;
        classes.comma |= u64::from(comma as u32) << at;
        classes.quote |= u64::from(quote as u32) << at;
        classes.line |= u64::from(line as u32) << at;
        classes.unusual |= u64::from(unusual as u32) << at;
    }
    classes
}

/// The block's classes a byte at a time: the classifier on other processors, and the
/// reference the SSE2 one is tested against.
#[cfg(any(not(target_arch = "x86_64"), test))]
pub fn classify_bytes(block: &[u8; 64]) -> Classes {
    let mut classes = Classes {
        comma: 0,
        quote: 0,
        line: 0,
        unusual: 0,
    };
    for (i, &b) in block.iter().enumerate() {
        classes.comma |= u64::from(b == b',') << i;
        classes.quote |= u64::from(b == b'"') << i;
        classes.line |= u64::from(matches!(b, b'\n' | b'\r')) << i;
        classes.unusual |= u64::from(b == 0 || !b.is_ascii()) << i;
    }
    classes
}

#[cfg(not(target_arch = "x86_64"))]
pub use classify_bytes as classify;

/// Bit `i` set when an odd number of bits `0..=i` of `x` are: with quote positions, which
/// bytes lie inside quotes (an opening quote counted inside, a closing one outside).
pub fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_sse2_classes_are_the_bytewise_ones(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), Just(0), any::<u8>()],
                64,
            ),
        ) {
            let block: [u8; 64] = bytes.try_into().unwrap();
            prop_assert_eq!(classify(&block), classify_bytes(&block));
        }

        /// `plain_record` takes the AVX2 classes wherever the processor has AVX2 (the stream
        /// tests then read every record through them).
        #[cfg(target_arch = "x86_64")]
        #[test]
        fn the_avx2_classes_are_the_bytewise_ones(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), Just(0), any::<u8>()],
                64,
            ),
        ) {
            if has_avx2() {
                let block: [u8; 64] = bytes.try_into().unwrap();
                // SAFETY: the processor has AVX2, as checked.
                prop_assert_eq!(unsafe { classify_avx2(&block) }, classify_bytes(&block));
            }
        }
    }

    #[test]
    fn prefix_xor_marks_the_bytes_inside_quotes() {
        // `"a,""b",c`: quotes at 0, 3, 4 and 6.
        let quotes = 0b101_1001;
        assert_eq!(prefix_xor(quotes), 0b011_0111);
    }
}

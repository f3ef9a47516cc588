//! One pass of the batch API over a buffer, shared by the flame and
//! scaling examples (included with `#[path]`; examples cannot import each
//! other).

use logspan::{Line, Parser, Span};

/// A parser's batch arrays: 1024 lines a call, as the Go Batch does.
pub struct BatchPass<'p> {
    p: &'p Parser,
    lines: Vec<Line>,
    fields: Vec<Span>,
}

impl<'p> BatchPass<'p> {
    pub fn new(p: &'p Parser) -> Self {
        BatchPass {
            p,
            lines: vec![Line::default(); 1024],
            fields: vec![Span::ABSENT; 1024 * p.field_count()],
        }
    }

    /// Parses all of `text` and returns (lines parsed, sum of their
    /// field lengths): the fields are read as a user would, so the work
    /// cannot be optimized away.
    pub fn run(&mut self, mut text: &[u8]) -> (u64, u64) {
        let nf = self.p.field_count();
        let (mut ok, mut sum) = (0u64, 0u64);
        while !text.is_empty() {
            let r = self
                .p
                .parse_batch(text, true, &mut self.lines, &mut self.fields);
            for (k, line) in self.lines[..r.lines].iter().enumerate() {
                if line.status >= 0 {
                    ok += 1;
                    sum += self.fields[k * nf..(k + 1) * nf]
                        .iter()
                        .map(|s| u64::from(s.len))
                        .sum::<u64>();
                }
            }
            text = &text[r.consumed..];
        }
        (ok, sum)
    }
}

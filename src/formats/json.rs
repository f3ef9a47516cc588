//! JSON lines: validate one object per line (RFC 8259) and project the
//! values of chosen paths as spans, in one pass, without allocation.
//!
//! Rules (the README's format table says the same):
//! - the whole line is validated: a line that is not exactly one JSON
//!   object (plus whitespace) is an error and yields no fields, so a log
//!   line cut in half never produces values;
//! - strings must be UTF-8 with valid escapes; lone surrogate escapes such
//!   as `\ud800` are accepted as the RFC grammar allows (unescaping them is
//!   the caller's choice);
//! - a string value's span excludes its quotes and is flagged
//!   [`LOG_FLAG_ESCAPED`] when it holds a backslash; numbers and literals
//!   are their raw text; objects and arrays are their raw text;
//! - keys are compared after unescaping (`"\u0061"` matches `a`);
//! - duplicate keys: the last one wins and its span is flagged
//!   [`LOG_FLAG_DUPLICATE`];
//! - nesting deeper than [`LOG_MAX_JSON_DEPTH`] is an error, found without
//!   recursion (no stack overflow on any input).
//!
//! Paths (the `json:` spec) are compiled into a trie; the parser walks the
//! document once and follows the trie only where the document matches, so
//! the cost is one validation pass whatever the number of fields.

use crate::error::{Error, SpecError};
use crate::span::*;

/// Deepest nesting of objects and arrays accepted in a JSON line.
pub const LOG_MAX_JSON_DEPTH: usize = 1024;
/// Most segments (keys and indexes) in one JSON path of a spec.
pub const LOG_MAX_JSON_PATH_SEGMENTS: usize = 32;

pub(super) const NO_FIELD: u32 = u32::MAX;
pub(super) const NO_NODE: u32 = u32::MAX;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Name(Box<[u8]>),
    Index(u32),
}

#[derive(Clone, Debug, Default)]
pub(super) struct Node {
    /// The output slot of the path that ends here, or `NO_FIELD`.
    pub(super) field: u32,
    children: Vec<(Key, u32)>,
    /// Output slots of every path that goes through this node (not the
    /// node's own), cleared when the node's key repeats (last key wins).
    below: Vec<u32>,
    /// The `Key::Name` children again, as an open-addressing hash table
    /// (a power of two long, at most half full, empty when there are no
    /// names) for the fast path's raw (unescaped) keys; see [`name_slot`].
    /// Filled by [`JsonPaths::finish`].
    pub(super) names: Vec<NameChild>,
    /// Bit `min(len, 63)` is set for the length `len` of every name in
    /// `names`: most keys that match no name are told by their length.
    pub(super) name_lens: u64,
}

/// The first slot of the key whose first (up to) 8 bytes are `word`
/// (little-endian, zero-padded) and whose length is `len`, in a table of
/// `mask + 1` slots; probing goes on at the next slots.
#[inline(always)]
pub(super) fn name_slot(word: u64, len: usize, mask: usize) -> usize {
    ((word ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
}

/// One named child of a trie node, for the fast path's key matching.
#[derive(Clone, Debug)]
pub(super) struct NameChild {
    /// The key's length in bytes; `usize::MAX` for an empty slot.
    pub(super) len: usize,
    /// Its first (up to) 8 bytes, little-endian, zero-padded.
    pub(super) word: u64,
    /// The whole key.
    pub(super) name: Box<[u8]>,
    /// The child's node.
    pub(super) node: u32,
}

/// Compiled `json:` paths.
#[derive(Clone, Debug)]
pub(crate) struct JsonPaths {
    pub(super) nodes: Vec<Node>,
    pub(super) fields: usize,
    /// Enumerate mode (`json:*N`): the most top-level pairs reported; 0
    /// for path projection.
    pub(super) enumerate: u32,
}

/// Default and largest pair counts of the enumerate mode `json:*`.
pub(crate) const ENUMERATE_DEFAULT_PAIRS: u32 = 64;
pub(crate) const ENUMERATE_MAX_PAIRS: u32 = 2048;

/// In enumerate mode, the trie node that every top-level value maps to:
/// a leaf whose output slot is the pair's value slot.
pub(super) const ENUM_LEAF: u32 = 1;

/// Parse the argument of an enumerate spec (`*` or `*N`): the pair count.
/// Shared with logfmt, which has the same mode.
pub(crate) fn enumerate_pairs(arg: &str, pos: usize) -> Result<Option<u32>, SpecError> {
    let Some(n) = arg.trim().strip_prefix('*') else {
        return Ok(None);
    };
    if n.is_empty() {
        return Ok(Some(ENUMERATE_DEFAULT_PAIRS));
    }
    match n.parse::<u32>() {
        Ok(k) if (1..=ENUMERATE_MAX_PAIRS).contains(&k) => Ok(Some(k)),
        _ => Err(SpecError {
            pos: pos + 1,
            msg: format!("`*N` takes a pair count from 1 to {ENUMERATE_MAX_PAIRS}, e.g. `*64`"),
        }),
    }
}

/// Field names of an enumerate spec: key0, value0, key1, value1, ...
pub(crate) fn enumerate_names(pairs: u32) -> Vec<String> {
    (0..pairs)
        .flat_map(|k| [format!("key{k}"), format!("value{k}")])
        .collect()
}

/// Parse the comma-separated path list of a `json:` spec. `base` is the
/// byte position of `list` in the whole spec, for error messages. Returns
/// the compiled trie and the field names (each path as written, trimmed).
pub(crate) fn compile(list: &str, base: usize) -> Result<(JsonPaths, Vec<String>), SpecError> {
    if let Some(pairs) = enumerate_pairs(list, base)? {
        let leaf = Node {
            field: NO_FIELD,
            ..Node::default()
        };
        let paths = JsonPaths {
            nodes: vec![leaf.clone(), leaf],
            fields: 2 * pairs as usize,
            enumerate: pairs,
        };
        return Ok((paths.finish(), enumerate_names(pairs)));
    }
    let mut nodes = vec![Node {
        field: NO_FIELD,
        ..Node::default()
    }];
    let mut names: Vec<String> = Vec::new();
    let bytes = list.as_bytes();
    let mut start = 0;
    loop {
        // Find the end of this path: an unescaped ',' or the end.
        let mut end = start;
        while end < bytes.len() && bytes[end] != b',' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let end = end.min(bytes.len());
        let raw = &list[start..end];
        let trimmed_start = start + (raw.len() - raw.trim_start().len());
        let text = raw.trim();
        let pos = base + trimmed_start;
        if text.is_empty() {
            return Err(SpecError {
                pos,
                msg: "empty JSON path (expected a key such as `msg` or `http.status`)".into(),
            });
        }
        if names.iter().any(|n| n == text) {
            return Err(SpecError {
                pos,
                msg: format!("JSON path `{text}` is listed twice"),
            });
        }
        let segments = parse_path(text, pos)?;
        let field = names.len() as u32;
        let mut node = 0usize;
        let mut trail = Vec::with_capacity(segments.len());
        for key in segments {
            trail.push(node);
            let existing = nodes[node]
                .children
                .iter()
                .find(|(k, _)| *k == key)
                .map(|c| c.1);
            node = match existing {
                Some(n) => n as usize,
                None => {
                    nodes.push(Node {
                        field: NO_FIELD,
                        ..Node::default()
                    });
                    let n = nodes.len() - 1;
                    nodes[node].children.push((key, n as u32));
                    n
                }
            };
        }
        nodes[node].field = field;
        // Every proper ancestor but the root (whose key never repeats) owns
        // this field for the last-key-wins reset.
        for &a in trail.iter().skip(1) {
            nodes[a].below.push(field);
        }
        names.push(text.to_string());
        if end >= bytes.len() {
            break;
        }
        start = end + 1;
    }
    if names.len() > crate::LOG_MAX_FIELDS {
        return Err(SpecError {
            pos: base,
            msg: format!(
                "{} fields; a spec may have at most {}",
                names.len(),
                crate::LOG_MAX_FIELDS
            ),
        });
    }
    let fields = names.len();
    Ok((
        JsonPaths {
            nodes,
            fields,
            enumerate: 0,
        }
        .finish(),
        names,
    ))
}

/// One path: `key(.key|[N])*`, where `\` escapes the next character so a
/// key may hold `.`, `[`, `,`, or `\` itself (`a\.b` is the key `a.b`).
fn parse_path(text: &str, pos: usize) -> Result<Vec<Key>, SpecError> {
    let b = text.as_bytes();
    let mut keys = Vec::new();
    let mut i = 0;
    let err = |at: usize, msg: &str| SpecError {
        pos: pos + at,
        msg: msg.to_string(),
    };
    if b.first() == Some(&b'[') {
        return Err(err(
            0,
            "a JSON path starts with a key (the line is an object), not an index",
        ));
    }
    while i < b.len() {
        if b[i] == b'[' {
            let close = b[i..]
                .iter()
                .position(|&c| c == b']')
                .ok_or_else(|| err(i, "unclosed `[` in JSON path"))?
                + i;
            let digits = &text[i + 1..close];
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err(i + 1, "array index must be digits, e.g. `items[0]`"));
            }
            let n: u32 = digits
                .parse()
                .ok()
                .filter(|&n| n < u32::MAX)
                .ok_or_else(|| err(i + 1, "array index too large"))?;
            keys.push(Key::Index(n));
            i = close + 1;
            match b.get(i) {
                None | Some(b'[') => {}
                Some(b'.') => {
                    i += 1;
                    if i == b.len() {
                        return Err(err(i, "JSON path ends with `.`"));
                    }
                }
                Some(_) => return Err(err(i, "expected `.` or `[` after `]`")),
            }
            continue;
        }
        let mut key = Vec::new();
        let seg_start = i;
        while i < b.len() && b[i] != b'.' && b[i] != b'[' {
            if b[i] == b'\\' {
                i += 1;
                if i == b.len() {
                    return Err(err(i - 1, "`\\` at the end of a JSON path escapes nothing"));
                }
            }
            key.push(b[i]);
            i += 1;
        }
        if key.is_empty() {
            return Err(err(seg_start, "empty key in JSON path"));
        }
        keys.push(Key::Name(key.into_boxed_slice()));
        if i < b.len() && b[i] == b'.' {
            i += 1;
            if i == b.len() {
                return Err(err(i, "JSON path ends with `.`"));
            }
        }
    }
    if keys.len() > LOG_MAX_JSON_PATH_SEGMENTS {
        return Err(err(0, "JSON path has too many segments"));
    }
    Ok(keys)
}

impl JsonPaths {
    #[cfg(test)]
    fn field_count(&self) -> usize {
        self.fields
    }

    /// Fill every node's `names` table from its `children`.
    fn finish(mut self) -> JsonPaths {
        for node in &mut self.nodes {
            let named: Vec<NameChild> = node
                .children
                .iter()
                .filter_map(|(k, n)| match k {
                    Key::Name(name) => {
                        let mut w = [0u8; 8];
                        let l = name.len().min(8);
                        w[..l].copy_from_slice(&name[..l]);
                        Some(NameChild {
                            len: name.len(),
                            word: u64::from_le_bytes(w),
                            name: name.clone(),
                            node: *n,
                        })
                    }
                    Key::Index(_) => None,
                })
                .collect();
            node.name_lens = named.iter().fold(0, |m, c| m | 1 << c.len.min(63));
            if named.is_empty() {
                node.names = Vec::new();
                continue;
            }
            let size = (2 * named.len()).next_power_of_two();
            let empty = NameChild {
                len: usize::MAX,
                word: 0,
                name: Box::default(),
                node: NO_NODE,
            };
            let mut table = vec![empty; size];
            for c in named {
                let mut h = name_slot(c.word, c.len, size - 1);
                while table[h].len != usize::MAX {
                    h = (h + 1) & (size - 1);
                }
                table[h] = c;
            }
            node.names = table;
        }
        self
    }

    #[inline(always)]
    pub(super) fn child(&self, node: u32, key: &[u8], escaped: bool) -> u32 {
        if node == NO_NODE {
            return NO_NODE;
        }
        for (k, n) in &self.nodes[node as usize].children {
            if let Key::Name(name) = k {
                let hit = if escaped {
                    unescaped_eq(key, name)
                } else {
                    **name == *key
                };
                if hit {
                    return *n;
                }
            }
        }
        NO_NODE
    }

    #[inline(always)]
    pub(super) fn index_child(&self, node: u32, index: u32) -> u32 {
        if node == NO_NODE {
            return NO_NODE;
        }
        for (k, n) in &self.nodes[node as usize].children {
            if *k == Key::Index(index) {
                return *n;
            }
        }
        NO_NODE
    }

    /// A value for `node` starts: clear what an earlier occurrence of the
    /// same key left below it, and say whether the node's own field was
    /// already set (a duplicate key).
    #[inline(always)]
    pub(super) fn enter(&self, node: u32, out: &mut [Span]) -> u32 {
        let n = &self.nodes[node as usize];
        for &f in &n.below {
            out[f as usize] = Span::ABSENT;
        }
        if n.field != NO_FIELD && out[n.field as usize].is_present() {
            LOG_FLAG_DUPLICATE
        } else {
            0
        }
    }
}

/// Parse one line (a trailing `\n` / `\r\n` is ignored) into
/// `out[..paths.field_count()]`; returns how many fields are present. On
/// error every field is absent.
///
/// This is the fast path ([`super::json_fast`]), which gives exactly what
/// [`parse_reference`] gives.
#[inline]
pub(crate) fn parse(line: &[u8], paths: &JsonPaths, out: &mut [Span]) -> Result<usize, Error> {
    super::json_fast::parse(line, paths, out)
}

/// The scalar reference parser: same contract as [`parse`].
pub(crate) fn parse_reference(
    line: &[u8],
    paths: &JsonPaths,
    out: &mut [Span],
) -> Result<usize, Error> {
    parse_content(crate::strip_eol(line), paths, out)
}

/// [`parse_reference`] on a line whose ending is already stripped (it is
/// not stripped again).
pub(super) fn parse_content(
    line: &[u8],
    paths: &JsonPaths,
    out: &mut [Span],
) -> Result<usize, Error> {
    let out = &mut out[..paths.fields];
    out.fill(Span::ABSENT);
    if line.len() > crate::LOG_MAX_LINE_LEN {
        return Err(Error::LineTooLong);
    }
    match walk(line, paths, out) {
        Ok(()) => Ok(out.iter().filter(|s| s.is_present()).count()),
        Err(e) => {
            out.fill(Span::ABSENT);
            Err(e)
        }
    }
}

/// Validate a whole line as one JSON value without projecting anything;
/// `Ok` only for an object. Used by tests and by the reference checks.
pub fn validate(line: &[u8]) -> Result<(), Error> {
    let paths = JsonPaths {
        nodes: vec![Node {
            field: NO_FIELD,
            ..Node::default()
        }],
        fields: 0,
        enumerate: 0,
    }
    .finish();
    walk(crate::strip_eol(line), &paths, &mut [])
}

/// One open container on the tracked part of the stack.
#[derive(Clone, Copy)]
pub(super) struct Tracked {
    pub(super) node: u32,
    /// Output slot captured by this container's whole text, or NO_FIELD.
    pub(super) field: u32,
    pub(super) flags: u32,
    pub(super) start: u32,
    /// Array element counter (arrays only).
    pub(super) index: u32,
}

pub(super) const TRACKED_EMPTY: Tracked = Tracked {
    node: NO_NODE,
    field: NO_FIELD,
    flags: 0,
    start: 0,
    index: 0,
};

#[inline(always)]
pub(super) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

#[inline(always)]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

fn walk(b: &[u8], paths: &JsonPaths, out: &mut [Span]) -> Result<(), Error> {
    let n = b.len();
    if n == 0 {
        return Err(Error::EmptyLine);
    }
    // Container kinds, one bit per level (1 = array), for any depth.
    let mut kinds = [0u64; LOG_MAX_JSON_DEPTH / 64];
    let mut depth = 0usize;
    // Tracked containers form a prefix of the stack: tracked[..tdepth].
    let mut tracked = [TRACKED_EMPTY; LOG_MAX_JSON_PATH_SEGMENTS + 1];
    let mut tdepth = 0usize;

    let mut i = skip_ws(b, 0);
    if i == n {
        return Err(Error::JsonTruncated);
    }
    let root_is_object = b[i] == b'{';
    // The trie node the next value belongs to (root: node 0).
    let mut node: u32 = if root_is_object { 0 } else { NO_NODE };
    let mut dup_flag = 0u32;
    // Enumerate mode: top-level members seen so far.
    let mut pairs = 0u32;

    'value: loop {
        // Parse one value at b[i..] (whitespace already skipped).
        if i >= n {
            return Err(Error::JsonTruncated);
        }
        let field = if node == NO_NODE {
            NO_FIELD
        } else if paths.enumerate != 0 && node == ENUM_LEAF {
            2 * (pairs - 1) + 1
        } else {
            paths.nodes[node as usize].field
        };
        let c = b[i];
        let mut closed_now = false;
        match c {
            b'{' | b'[' => {
                if depth == LOG_MAX_JSON_DEPTH {
                    return Err(Error::JsonTooDeep);
                }
                let is_array = c == b'[';
                if is_array {
                    kinds[depth / 64] |= 1 << (depth % 64);
                } else {
                    kinds[depth / 64] &= !(1 << (depth % 64));
                }
                depth += 1;
                // Track this container when its parent is tracked and the
                // trie has a node for it.
                if node != NO_NODE && tdepth + 1 == depth {
                    tracked[tdepth] = Tracked {
                        node,
                        field,
                        flags: dup_flag,
                        start: i as u32,
                        index: 0,
                    };
                    tdepth += 1;
                }
                i = skip_ws(b, i + 1);
                if i >= n {
                    return Err(Error::JsonTruncated);
                }
                if b[i] == if is_array { b']' } else { b'}' } {
                    closed_now = true;
                } else if is_array {
                    node = if tdepth == depth {
                        paths.index_child(tracked[tdepth - 1].node, 0)
                    } else {
                        NO_NODE
                    };
                    if node != NO_NODE {
                        dup_flag = paths.enter(node, out);
                    }
                    continue 'value;
                } else {
                    let parent = if tdepth == depth {
                        tracked[tdepth - 1].node
                    } else {
                        NO_NODE
                    };
                    i = member_key(b, i, paths, parent, depth, &mut pairs, out, &mut node)?;
                    if node != NO_NODE {
                        dup_flag = paths.enter(node, out);
                    }
                    continue 'value;
                }
            }
            b'"' => {
                let (end, escaped) = scan_string(b, i + 1)?;
                if field != NO_FIELD {
                    let flags =
                        LOG_TYPE_STRING | dup_flag | if escaped { LOG_FLAG_ESCAPED } else { 0 };
                    out[field as usize] = Span::new(i + 1, end, flags);
                }
                i = end + 1;
            }
            b'-' | b'0'..=b'9' => {
                let end = scan_number(b, i)?;
                if field != NO_FIELD {
                    out[field as usize] = Span::new(i, end, LOG_TYPE_NUMBER | dup_flag);
                }
                i = end;
            }
            b't' | b'f' | b'n' => {
                let (word, ty): (&[u8], u32) = match c {
                    b't' => (b"true", LOG_TYPE_BOOL),
                    b'f' => (b"false", LOG_TYPE_BOOL),
                    _ => (b"null", LOG_TYPE_NULL),
                };
                let have = &b[i..n.min(i + word.len())];
                if have != word {
                    return Err(if word.starts_with(have) {
                        Error::JsonTruncated
                    } else {
                        Error::JsonSyntax
                    });
                }
                if field != NO_FIELD {
                    out[field as usize] = Span::new(i, i + word.len(), ty | dup_flag);
                }
                i += word.len();
            }
            _ => return Err(Error::JsonSyntax),
        }

        // After a value: a separator, a closing bracket, or the end.
        loop {
            if !closed_now {
                if depth == 0 {
                    i = skip_ws(b, i);
                    if i != n {
                        return Err(Error::JsonTrailingData);
                    }
                    return if !root_is_object {
                        Err(Error::JsonNotObject)
                    } else if pairs > paths.enumerate && paths.enumerate != 0 {
                        Err(Error::TooManyFields)
                    } else {
                        Ok(())
                    };
                }
                i = skip_ws(b, i);
                if i >= n {
                    return Err(Error::JsonTruncated);
                }
            }
            closed_now = false;
            let is_array = kinds[(depth - 1) / 64] & (1 << ((depth - 1) % 64)) != 0;
            let close = if is_array { b']' } else { b'}' };
            match b[i] {
                b',' => {
                    i = skip_ws(b, i + 1);
                    if i >= n {
                        return Err(Error::JsonTruncated);
                    }
                    if is_array {
                        node = if tdepth == depth {
                            let t = &mut tracked[tdepth - 1];
                            t.index = t.index.saturating_add(1);
                            paths.index_child(t.node, t.index)
                        } else {
                            NO_NODE
                        };
                    } else {
                        let parent = if tdepth == depth {
                            tracked[tdepth - 1].node
                        } else {
                            NO_NODE
                        };
                        i = member_key(b, i, paths, parent, depth, &mut pairs, out, &mut node)?;
                    }
                    if node != NO_NODE {
                        dup_flag = paths.enter(node, out);
                    }
                    continue 'value;
                }
                x if x == close => {
                    if tdepth == depth {
                        let t = tracked[tdepth - 1];
                        if t.field != NO_FIELD {
                            let ty = if is_array {
                                LOG_TYPE_ARRAY
                            } else {
                                LOG_TYPE_OBJECT
                            };
                            out[t.field as usize] =
                                Span::new(t.start as usize, i + 1, ty | t.flags);
                        }
                        tdepth -= 1;
                    }
                    depth -= 1;
                    i += 1;
                }
                _ => return Err(Error::JsonSyntax),
            }
        }
    }
}

/// At `b[i]` (after `{` or `,` and whitespace) read `"key"` `:` and the
/// whitespace after it; set `node` to the key's trie node under `parent`
/// (in enumerate mode, record a top-level key and map its value to the
/// pair's slot).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn member_key(
    b: &[u8],
    i: usize,
    paths: &JsonPaths,
    parent: u32,
    depth: usize,
    pairs: &mut u32,
    out: &mut [Span],
    node: &mut u32,
) -> Result<usize, Error> {
    if b[i] != b'"' {
        return Err(Error::JsonSyntax);
    }
    let (end, escaped) = scan_string(b, i + 1)?;
    *node = if paths.enumerate != 0 {
        if depth == 1 {
            let k = *pairs;
            *pairs = pairs.saturating_add(1);
            if k < paths.enumerate {
                let flags = LOG_TYPE_STRING | if escaped { LOG_FLAG_ESCAPED } else { 0 };
                out[2 * k as usize] = Span::new(i + 1, end, flags);
                ENUM_LEAF
            } else {
                NO_NODE
            }
        } else {
            NO_NODE
        }
    } else {
        paths.child(parent, &b[i + 1..end], escaped)
    };
    let j = skip_ws(b, end + 1);
    match b.get(j) {
        None => Err(Error::JsonTruncated),
        Some(b':') => {
            let k = skip_ws(b, j + 1);
            if k >= b.len() {
                Err(Error::JsonTruncated)
            } else {
                Ok(k)
            }
        }
        Some(_) => Err(Error::JsonSyntax),
    }
}

/// Bytes that end the fast path of a string scan: `"`, `\`, controls and
/// non-ASCII.
#[inline(always)]
fn swar_special(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let quote = w ^ (ONES * b'"' as u64);
    let backslash = w ^ (ONES * b'\\' as u64);
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    // Bytes < 0x20: (w - 0x20 per byte) borrows into the high bit.
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    has_zero(quote) | has_zero(backslash) | control | (w & HIGH)
}

/// Scan a string whose opening quote is at `i - 1`; returns the index of
/// the closing quote and whether it holds escapes. Validates escapes,
/// control characters and UTF-8.
#[inline]
pub(super) fn scan_string(b: &[u8], mut i: usize) -> Result<(usize, bool), Error> {
    let n = b.len();
    let mut escaped = false;
    loop {
        // Fast path: 8 bytes at a time while none is special.
        while i + 8 <= n {
            let w = u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
            let m = swar_special(w);
            if m != 0 {
                i += (m.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        while i < n && is_plain(b[i]) {
            i += 1;
        }
        if i >= n {
            return Err(Error::JsonTruncated);
        }
        match b[i] {
            b'"' => return Ok((i, escaped)),
            b'\\' => {
                escaped = true;
                match b.get(i + 1) {
                    None => return Err(Error::JsonTruncated),
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => {
                        let hex = &b[i + 2..n.min(i + 6)];
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(Error::JsonBadString);
                        }
                        if hex.len() < 4 {
                            return Err(Error::JsonTruncated);
                        }
                        i += 6;
                    }
                    Some(_) => return Err(Error::JsonBadString),
                }
            }
            c if c < 0x20 => return Err(Error::JsonBadString),
            c if c < 0x80 => i += 1, // the SWAR mask is conservative
            _ => i += utf8_seq_len(b, i)?,
        }
    }
}

#[inline(always)]
fn is_plain(c: u8) -> bool {
    (0x20..0x80).contains(&c) && c != b'"' && c != b'\\'
}

/// Length of the valid UTF-8 sequence starting at `b[i]` (a non-ASCII
/// byte), rejecting overlong forms, surrogates and code points past
/// U+10FFFF.
#[inline]
fn utf8_seq_len(b: &[u8], i: usize) -> Result<usize, Error> {
    let c0 = b[i];
    let (len, lo, hi) = match c0 {
        0xC2..=0xDF => (2, 0x80, 0xBF),
        0xE0 => (3, 0xA0, 0xBF),
        0xE1..=0xEC | 0xEE..=0xEF => (3, 0x80, 0xBF),
        0xED => (3, 0x80, 0x9F),
        0xF0 => (4, 0x90, 0xBF),
        0xF1..=0xF3 => (4, 0x80, 0xBF),
        0xF4 => (4, 0x80, 0x8F),
        _ => return Err(Error::JsonInvalidUtf8),
    };
    let c1 = *b.get(i + 1).ok_or(Error::JsonTruncated)?;
    if c1 < lo || c1 > hi {
        return Err(Error::JsonInvalidUtf8);
    }
    for k in 2..len {
        let c = *b.get(i + k).ok_or(Error::JsonTruncated)?;
        if c & 0xC0 != 0x80 {
            return Err(Error::JsonInvalidUtf8);
        }
    }
    Ok(len)
}

/// Scan a number starting at `b[i]`; returns the index after it.
#[inline]
pub(super) fn scan_number(b: &[u8], mut i: usize) -> Result<usize, Error> {
    let n = b.len();
    let digits = |b: &[u8], mut i: usize| {
        let s = i;
        while i < n && b[i].is_ascii_digit() {
            i += 1;
        }
        (i, i - s)
    };
    if b[i] == b'-' {
        i += 1;
    }
    match b.get(i) {
        None => return Err(Error::JsonTruncated),
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(b, i).0,
        Some(_) => return Err(Error::JsonBadNumber),
    }
    if b.get(i) == Some(&b'.') {
        let (j, count) = digits(b, i + 1);
        if count == 0 {
            return Err(if j >= n {
                Error::JsonTruncated
            } else {
                Error::JsonBadNumber
            });
        }
        i = j;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (j, count) = digits(b, i);
        if count == 0 {
            return Err(if j >= n {
                Error::JsonTruncated
            } else {
                Error::JsonBadNumber
            });
        }
        i = j;
    }
    Ok(i)
}

/// Whether the raw (escaped) JSON string body `raw` decodes to `want`.
/// `raw` was already validated by [`scan_string`].
fn unescaped_eq(raw: &[u8], want: &[u8]) -> bool {
    let mut i = 0;
    let mut w = 0;
    let mut buf = [0u8; 4];
    while i < raw.len() {
        let piece: &[u8] = if raw[i] != b'\\' {
            i += 1;
            &raw[i - 1..i]
        } else {
            let e = raw[i + 1];
            i += 2;
            let one = match e {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 0x08,
                b'f' => 0x0C,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                _ => {
                    // \uXXXX, maybe a surrogate pair.
                    let hi = hex4(&raw[i..i + 4]);
                    i += 4;
                    let cp = if (0xD800..0xDC00).contains(&hi)
                        && raw.get(i..i + 2) == Some(&b"\\u"[..])
                        && raw.len() >= i + 6
                    {
                        let lo = hex4(&raw[i + 2..i + 6]);
                        if (0xDC00..0xE000).contains(&lo) {
                            i += 6;
                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                        } else {
                            hi
                        }
                    } else {
                        hi
                    };
                    match char::from_u32(cp) {
                        Some(ch) => {
                            let s = ch.encode_utf8(&mut buf);
                            let l = s.len();
                            if want.get(w..w + l) != Some(&buf[..l]) {
                                return false;
                            }
                            w += l;
                            continue;
                        }
                        // A lone surrogate decodes to no UTF-8 text, so it
                        // matches no key written in a (UTF-8) spec.
                        None => return false,
                    }
                }
            };
            buf[0] = one;
            &buf[..1]
        };
        if want.get(w..w + piece.len()) != Some(piece) {
            return false;
        }
        w += piece.len();
    }
    w == want.len()
}

fn hex4(h: &[u8]) -> u32 {
    h.iter().fold(0, |acc, &c| {
        acc * 16 + (c as char).to_digit(16).unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(spec: &str, line: &str) -> Result<Vec<Option<(String, u32)>>, Error> {
        let (paths, _) = compile(spec, 0).unwrap();
        let mut out = vec![Span::new(0, 0, 99); paths.field_count()];
        let n = parse(line.as_bytes(), &paths, &mut out)?;
        let v: Vec<_> = out
            .iter()
            .map(|s| {
                s.get(line.as_bytes())
                    .map(|b| (String::from_utf8(b.to_vec()).unwrap(), s.flags))
            })
            .collect();
        assert_eq!(n, v.iter().filter(|x| x.is_some()).count());
        Ok(v)
    }

    fn val(s: &str, flags: u32) -> Option<(String, u32)> {
        Some((s.to_string(), flags))
    }

    #[test]
    fn projects_types_and_nesting() {
        let line = r#"{"time":"2024-01-02T03:04:05Z","level":"INFO","msg":"hi \"you\"","n":-1.5e3,"ok":true,"nil":null,"http":{"status":200,"h":{"a":[1,2]}},"items":[{"id":7},{"id":8}]}"#;
        let got = project("time,level,msg,n,ok,nil,http.status,http.h,http.h.a,items[1].id,items,missing,http.nope", line).unwrap();
        assert_eq!(
            got,
            vec![
                val("2024-01-02T03:04:05Z", LOG_TYPE_STRING),
                val("INFO", LOG_TYPE_STRING),
                val(r#"hi \"you\""#, LOG_TYPE_STRING | LOG_FLAG_ESCAPED),
                val("-1.5e3", LOG_TYPE_NUMBER),
                val("true", LOG_TYPE_BOOL),
                val("null", LOG_TYPE_NULL),
                val("200", LOG_TYPE_NUMBER),
                val(r#"{"a":[1,2]}"#, LOG_TYPE_OBJECT),
                val("[1,2]", LOG_TYPE_ARRAY),
                val("8", LOG_TYPE_NUMBER),
                val(r#"[{"id":7},{"id":8}]"#, LOG_TYPE_ARRAY),
                None,
                None,
            ]
        );
    }

    #[test]
    fn escaped_keys_and_dotted_keys() {
        let line = r#"{"a.b":1,"\u0063":2,"a":{"b":3},"\ud83d\ude00":4,"k\\":5}"#;
        let got = project(r"a\.b,c,a.b,😀,k\\", line).unwrap();
        assert_eq!(
            got,
            vec![
                val("1", LOG_TYPE_NUMBER),
                val("2", LOG_TYPE_NUMBER),
                val("3", LOG_TYPE_NUMBER),
                val("4", LOG_TYPE_NUMBER),
                val("5", LOG_TYPE_NUMBER),
            ]
        );
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let line = r#"{"a":1,"b":{"c":1,"d":2},"a":"x","b":{"c":3}}"#;
        let got = project("a,b.c,b.d", line).unwrap();
        assert_eq!(
            got,
            vec![
                val("x", LOG_TYPE_STRING | LOG_FLAG_DUPLICATE),
                val("3", LOG_TYPE_NUMBER),
                None
            ]
        );
    }

    #[test]
    fn rejects_and_classifies() {
        let cases: &[(&str, Error)] = &[
            ("", Error::EmptyLine),
            ("   ", Error::JsonTruncated),
            ("[1]", Error::JsonNotObject),
            ("\"s\"", Error::JsonNotObject),
            ("{\"a\":1", Error::JsonTruncated),
            ("{\"a\":\"xy", Error::JsonTruncated),
            ("{\"a\":tru", Error::JsonTruncated),
            ("{\"a\":1}x", Error::JsonTrailingData),
            ("{\"a\":1}{}", Error::JsonTrailingData),
            ("{\"a\":01}", Error::JsonSyntax),
            ("{\"a\":1.}", Error::JsonBadNumber),
            ("{\"a\":-}", Error::JsonBadNumber),
            ("{\"a\":+1}", Error::JsonSyntax),
            ("{\"a\":\"\t\"}", Error::JsonBadString),
            ("{\"a\":\"\\x\"}", Error::JsonBadString),
            ("{\"a\":\"\\u12G4\"}", Error::JsonBadString),
            ("{a:1}", Error::JsonSyntax),
            ("{\"a\" 1}", Error::JsonSyntax),
            ("{\"a\":1,}", Error::JsonSyntax),
            ("{\"a\":[1,]}", Error::JsonSyntax),
            ("{\"a\":[1 2]}", Error::JsonSyntax),
            ("{\"a\":[1}", Error::JsonSyntax),
        ];
        for (line, want) in cases {
            assert_eq!(validate(line.as_bytes()), Err(*want), "{line:?}");
        }
        assert_eq!(validate("{\"a\":\"\u{00e9}\"}".as_bytes()), Ok(()));
        assert_eq!(validate(b"{\"a\":\"\xff\"}"), Err(Error::JsonInvalidUtf8));
        assert_eq!(
            validate(b"{\"a\":\"\xed\xa0\x80\"}"),
            Err(Error::JsonInvalidUtf8)
        );
        assert_eq!(
            validate(b"{\"a\":\"\xc0\xaf\"}"),
            Err(Error::JsonInvalidUtf8)
        );
        assert_eq!(validate(b"{\"a\":\"\\ud800\"}"), Ok(()));
        assert_eq!(validate(b" {\"a\" : [ ] , \"b\" : { } }\r\n"), Ok(()));
    }

    #[test]
    fn depth_limit_without_recursion() {
        let deep = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(LOG_MAX_JSON_DEPTH - 1),
            "]".repeat(LOG_MAX_JSON_DEPTH - 1)
        );
        assert_eq!(validate(deep.as_bytes()), Ok(()));
        let too_deep = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(LOG_MAX_JSON_DEPTH),
            "]".repeat(LOG_MAX_JSON_DEPTH)
        );
        assert_eq!(validate(too_deep.as_bytes()), Err(Error::JsonTooDeep));
        let huge = "[".repeat(100_000);
        assert_eq!(validate(huge.as_bytes()), Err(Error::JsonTooDeep));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let line = r#"{"a":"x\u00e9y","b":[1,{"c":null}],"d":-0.5E+2,"e":false}"#;
        assert_eq!(validate(line.as_bytes()), Ok(()));
        for cut in 0..line.len() {
            assert!(validate(&line.as_bytes()[..cut]).is_err(), "cut {cut}");
        }
    }

    #[test]
    fn enumerate_mode_lists_top_level_pairs() {
        let line = r#"{"a":1,"b\"":{"x":[1,{"y":2}]},"a":"s","c":[]}"#;
        let (paths, names) = compile("*3", 0).unwrap();
        assert_eq!(
            names,
            ["key0", "value0", "key1", "value1", "key2", "value2"]
        );
        let mut out = vec![Span::ABSENT; 6];
        // Four pairs but room for three: an error, never a silent cut.
        assert_eq!(
            parse(line.as_bytes(), &paths, &mut out),
            Err(Error::TooManyFields)
        );
        assert!(out.iter().all(|s| *s == Span::ABSENT));
        let (paths, names) = compile("*", 0).unwrap();
        assert_eq!(names.len(), 2 * ENUMERATE_DEFAULT_PAIRS as usize);
        let mut out = vec![Span::ABSENT; names.len()];
        assert_eq!(parse(line.as_bytes(), &paths, &mut out), Ok(8));
        let text: Vec<(&str, u32)> = out[..8]
            .iter()
            .map(|s| {
                (
                    std::str::from_utf8(s.get(line.as_bytes()).unwrap()).unwrap(),
                    s.flags,
                )
            })
            .collect();
        assert_eq!(
            text,
            [
                ("a", LOG_TYPE_STRING),
                ("1", LOG_TYPE_NUMBER),
                ("b\\\"", LOG_TYPE_STRING | LOG_FLAG_ESCAPED),
                (r#"{"x":[1,{"y":2}]}"#, LOG_TYPE_OBJECT),
                ("a", LOG_TYPE_STRING),
                ("s", LOG_TYPE_STRING),
                ("c", LOG_TYPE_STRING),
                ("[]", LOG_TYPE_ARRAY),
            ]
        );
        assert!(out[8..].iter().all(|s| *s == Span::ABSENT));
        for bad in ["*0", "*x", "*99999", "*,a"] {
            assert!(compile(bad, 0).is_err(), "{bad}");
        }
        // Enumeration still validates the whole line.
        let mut out = vec![Span::ABSENT; names.len()];
        assert_eq!(
            parse(b"{\"a\":1,", &paths, &mut out),
            Err(Error::JsonTruncated)
        );
    }

    #[test]
    fn spec_errors_have_positions() {
        for (spec, pos) in [
            ("a,,b", 2),
            ("a,a", 2),
            ("a.", 2),
            ("[0]", 0),
            ("a[x]", 2),
            ("a[1", 1),
            ("a\\", 1),
            ("x, a..b", 5),
        ] {
            let e = compile(spec, 0).unwrap_err();
            assert_eq!(e.pos, pos, "{spec}: {e}");
        }
    }

    #[test]
    fn swar_matches_bytewise() {
        for c in 0u8..=255 {
            let mut w = [b'a'; 8];
            w[5] = c;
            let m = swar_special(u64::from_le_bytes(w));
            let special = !is_plain(c);
            if special {
                assert_eq!(m.trailing_zeros() / 8, 5, "byte {c:#x}");
            } else {
                assert_eq!(m, 0, "byte {c:#x}");
            }
        }
    }
}

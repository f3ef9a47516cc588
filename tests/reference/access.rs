//! A naive reference implementation of the access-log rules in
//! `src/formats/access.rs`, written independently and as plainly as
//! possible (one byte at a time, no memchr, no shared code), so that the
//! fast parser can be checked against it (proptest, fuzzing).
//!
//! Returns the 12 fields as `(start, end, escaped)` or `None` (absent), or
//! `Err(())` for a line the rules reject.

pub type Field = Option<(usize, usize, bool)>;

/// `mode`: 0 = either (log_parse_fast), 1 = common only, 2 = combined only.
pub fn parse(line: &[u8], mode: u8) -> Result<[Field; 12], ()> {
    let mut line = line;
    if line.ends_with(b"\r\n") {
        line = &line[..line.len() - 2];
    } else if line.ends_with(b"\n") {
        line = &line[..line.len() - 1];
    }
    let mut f: [Field; 12] = [None; 12];
    let n = line.len();
    if n == 0 {
        return Err(());
    }
    let mut i = 0;
    let dash = |s: usize, e: usize, esc: bool| -> Field {
        if e - s == 1 && line[s] == b'-' {
            None
        } else {
            Some((s, e, esc))
        }
    };
    // Three space-terminated non-empty words.
    for word in f.iter_mut().take(3) {
        let s = i;
        while i < n && line[i] != b' ' {
            i += 1;
        }
        if i == n || i == s {
            return Err(());
        }
        *word = dash(s, i, false);
        i += 1;
    }
    // [time]
    if i >= n || line[i] != b'[' {
        return Err(());
    }
    i += 1;
    let s = i;
    while i < n && line[i] != b']' {
        i += 1;
    }
    if i == n {
        return Err(());
    }
    f[3] = dash(s, i, false);
    i += 1;
    if i >= n || line[i] != b' ' {
        return Err(());
    }
    i += 1;
    // A quoted string starting at i: (start, end, escaped), i after the quote.
    let quoted = |i: &mut usize| -> Result<(usize, usize, bool), ()> {
        if *i >= n || line[*i] != b'"' {
            return Err(());
        }
        *i += 1;
        let s = *i;
        let mut esc = false;
        loop {
            if *i >= n {
                return Err(());
            }
            match line[*i] {
                b'"' => break,
                b'\\' => {
                    esc = true;
                    *i += 2;
                }
                _ => *i += 1,
            }
        }
        let e = *i;
        *i += 1;
        Ok((s, e, esc))
    };
    let (s, e, esc) = quoted(&mut i)?;
    f[4] = dash(s, e, esc);
    if f[4].is_some() {
        let req = &line[s..e];
        if let Some((m, p, proto)) = split_request(req) {
            f[5] = Some((s + m.0, s + m.1, false));
            let path_esc = req[p.0..p.1].contains(&b'\\');
            f[6] = Some((s + p.0, s + p.1, path_esc));
            f[7] = proto.map(|(a, b)| (s + a, s + b, false));
        }
    }
    if i >= n || line[i] != b' ' {
        return Err(());
    }
    i += 1;
    // status: 3 digits
    if i + 3 > n || !line[i..i + 3].iter().all(|c| c.is_ascii_digit()) {
        return Err(());
    }
    f[8] = Some((i, i + 3, false));
    i += 3;
    if i >= n || line[i] != b' ' {
        return Err(());
    }
    i += 1;
    // bytes: digits or '-'
    let s = i;
    if i < n && line[i] == b'-' {
        i += 1;
    } else {
        while i < n && line[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i == s {
        return Err(());
    }
    f[9] = dash(s, i, false);
    if i == n {
        // Common format.
        return if mode == 2 { Err(()) } else { Ok(f) };
    }
    if mode == 1 || line[i] != b' ' {
        return Err(());
    }
    i += 1;
    let (s, e, esc) = quoted(&mut i)?;
    f[10] = dash(s, e, esc);
    if i >= n || line[i] != b' ' {
        return Err(());
    }
    i += 1;
    let (s, e, esc) = quoted(&mut i)?;
    f[11] = dash(s, e, esc);
    if i != n {
        return Err(());
    }
    Ok(f)
}

type R = (usize, usize);

/// `TOKEN SP TARGET [SP HTTP/x[.y]]`, TARGET without spaces.
fn split_request(req: &[u8]) -> Option<(R, R, Option<R>)> {
    let tchar = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c);
    let parts: Vec<&[u8]> = req.split(|&c| c == b' ').collect();
    let method = parts[0];
    if method.is_empty() || !method.iter().all(|&c| tchar(c)) {
        return None;
    }
    let m = (0, method.len());
    match parts.len() {
        2 if !parts[1].is_empty() => Some((m, (m.1 + 1, req.len()), None)),
        3 => {
            let target = parts[1];
            let proto = parts[2];
            let version = proto.strip_prefix(b"HTTP/")?;
            // HTTP/x or HTTP/x.y, x and y digits.
            let parts: Vec<&[u8]> = version.split(|&c| c == b'.').collect();
            let digits = |p: &[u8]| !p.is_empty() && p.iter().all(|c| c.is_ascii_digit());
            if target.is_empty() || parts.len() > 2 || !parts.iter().all(|p| digits(p)) {
                return None;
            }
            let p = (m.1 + 1, m.1 + 1 + target.len());
            Some((m, p, Some((p.1 + 1, req.len()))))
        }
        _ => None,
    }
}

//! The decoding a test expects for a logfmt quoted value, written apart
//! from the library's own unescaper (shared by the logfmt tests).

/// Decode the raw text of a quoted value the parser accepted: go-logfmt's
/// escapes (JSON plus `\'`; lone surrogates become U+FFFD) and Go's
/// `strconv.Unquote` ones (`\a \v \xHH \ooo \UHHHHHHHH`).
pub fn unquote(raw: &[u8]) -> Vec<u8> {
    let hex = |h: &[u8]| u32::from_str_radix(std::str::from_utf8(h).unwrap(), 16).unwrap();
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            out.push(raw[i]);
            i += 1;
            continue;
        }
        let e = raw[i + 1];
        i += 2;
        let ch = match e {
            b'"' | b'\\' | b'/' | b'\'' => e,
            b'a' => 0x07,
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 0x0B,
            b'x' => {
                i += 2;
                hex(&raw[i - 2..i]) as u8
            }
            b'0'..=b'7' => {
                i += 2;
                u32::from_str_radix(std::str::from_utf8(&raw[i - 3..i]).unwrap(), 8).unwrap() as u8
            }
            b'u' | b'U' => {
                let w = if e == b'u' { 4 } else { 8 };
                let mut cp = hex(&raw[i..i + w]);
                i += w;
                if (0xD800..0xDC00).contains(&cp) && raw[i..].starts_with(b"\\u") {
                    let lo = hex(&raw[i + 2..i + 6]);
                    if (0xDC00..0xE000).contains(&lo) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    }
                }
                let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                continue;
            }
            _ => panic!("the parser accepted a bad escape in {raw:?}"),
        };
        out.push(ch);
    }
    out
}

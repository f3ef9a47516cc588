//! Spec strings: the one place that knows their grammar.
//!
//! | spec | fields |
//! |---|---|
//! | `combined` | the 12 access-log fields; referer and user agent required |
//! | `common` | the first 10 access-log fields (CLF); nothing may follow |
//! | `access` | combined, or common with referer/user agent absent (`log_parse_fast`) |
//! | `json:<path>,<path>,...` | one field per path into a JSON-lines object |

use crate::error::SpecError;
use crate::formats::access::{AccessMode, FIELD_NAMES};
use crate::formats::json;
use crate::formats::logfmt;
use crate::formats::syslog::{self, SyslogMode};
use crate::formats::{pattern, regex};
use crate::parser::Format;

/// A compiled spec: the format and its field names in output order.
pub(crate) struct Compiled {
    pub(crate) format: Format,
    pub(crate) names: Vec<String>,
}

pub(crate) fn compile(spec: &[u8]) -> Result<Compiled, SpecError> {
    let spec = std::str::from_utf8(spec).map_err(|e| SpecError {
        pos: e.valid_up_to(),
        msg: "spec is not valid UTF-8".into(),
    })?;
    if spec.len() > crate::LOG_MAX_SPEC_LEN {
        return Err(SpecError {
            pos: crate::LOG_MAX_SPEC_LEN,
            msg: format!("spec longer than {} bytes", crate::LOG_MAX_SPEC_LEN),
        });
    }
    let (name, arg) = match spec.find(':') {
        Some(k) => (&spec[..k], Some(&spec[k + 1..])),
        None => (spec, None),
    };
    let access = |mode: AccessMode| -> Result<Compiled, SpecError> {
        if arg.is_some() {
            return Err(SpecError {
                pos: name.len(),
                msg: format!("`{name}` takes no arguments"),
            });
        }
        Ok(Compiled {
            format: Format::Access(mode),
            names: FIELD_NAMES[..mode.field_count()]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        })
    };
    match name {
        "combined" => access(AccessMode::Combined),
        "common" => access(AccessMode::Common),
        "access" => access(AccessMode::Either),
        "auto" => {
            if arg.is_some() {
                return Err(SpecError {
                    pos: name.len(),
                    msg: "`auto` takes no arguments".into(),
                });
            }
            Ok(Compiled {
                format: Format::Auto(Box::new(crate::formats::auto::compile())),
                names: crate::formats::auto::FIELD_NAMES.iter().map(|s| s.to_string()).collect(),
            })
        }
        "json" => match arg {
            None => Err(SpecError {
                pos: spec.len(),
                msg: "`json` needs a list of fields, e.g. `json:time,level,msg,http.status`".into(),
            }),
            Some(list) => {
                let (paths, names) = json::compile(list, name.len() + 1)?;
                Ok(Compiled {
                    format: Format::Json(paths),
                    names,
                })
            }
        },
        "logfmt" => {
            let (spec, names) = logfmt::compile(arg.unwrap_or(""), name.len() + 1)?;
            Ok(Compiled {
                format: Format::Logfmt(spec),
                names,
            })
        }
        "regex" | "pattern" | "nginx" | "apache" => {
            let Some(arg) = arg.filter(|a| !a.is_empty()) else {
                return Err(SpecError {
                    pos: spec.len(),
                    msg: format!("`{name}` needs an expression after `{name}:`"),
                });
            };
            let base = name.len() + 1;
            let (format, names) = match name {
                "regex" => regex::compile(arg, base).map(|(s, n)| (Format::Regex(s), n))?,
                "pattern" => pattern::compile(arg, base).map(|(s, n)| (Format::Pattern(s), n))?,
                "nginx" => pattern::compile_nginx(arg, base).map(|(s, n)| (Format::Pattern(s), n))?,
                _ => pattern::compile_apache(arg, base).map(|(s, n)| (Format::Pattern(s), n))?,
            };
            Ok(Compiled { format, names })
        }
        "syslog" | "syslog5424" | "syslog3164" => {
            if arg.is_some() {
                return Err(SpecError {
                    pos: name.len(),
                    msg: format!("`{name}` takes no arguments"),
                });
            }
            let mode = match name {
                "syslog5424" => SyslogMode::Rfc5424,
                "syslog3164" => SyslogMode::Rfc3164,
                _ => SyslogMode::Auto,
            };
            Ok(Compiled {
                format: Format::Syslog(mode),
                names: syslog::FIELD_NAMES.iter().map(|s| s.to_string()).collect(),
            })
        }
        "" => Err(SpecError {
            pos: 0,
            msg: "empty spec (expected one of: auto, combined, common, access, json:<fields>, json:*, logfmt:<keys>, logfmt:*, syslog, syslog5424, syslog3164, regex:<re>, pattern:<expr>, nginx:<log_format>, apache:<LogFormat>)".into(),
        }),
        other => Err(SpecError {
            pos: 0,
            msg: format!(
                "unknown format `{other}` (expected one of: auto, combined, common, access, json:<fields>, json:*, logfmt:<keys>, logfmt:*, syslog, syslog5424, syslog3164, regex:<re>, pattern:<expr>, nginx:<log_format>, apache:<LogFormat>)"
            ),
        }),
    }
}

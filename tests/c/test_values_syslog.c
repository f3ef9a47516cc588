/* Typed values and syslog helpers, from C:
 *  - log_value_*, log_time_*: known values; errors return the documented
 *    code and leave the output untouched (a canary); NULL rules;
 *  - log_unescape_* and log_syslog_unescape_param: decoded bytes; errors
 *    and a too-small out_cap write nothing (neither out nor *out_len);
 *    NULL rules; overlapping input and output are refused;
 *  - log_syslog_priority: every PRI, bad ones, NULL rules;
 *  - log_syslog_sd_next: the RFC 5424 examples walked element by element,
 *    then every prefix of a STRUCTURED-DATA, pseudo-random bytes and
 *    arbitrary cursors, each input an exact-size heap copy so that ASan
 *    and valgrind see any read outside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define CANARY_I64 ((int64_t)0x5A5A5A5A5A5A5A5All)
#define CANARY_U8 ((uint8_t)0xA5)

/* ---- numbers and booleans ------------------------------------------- */

/* log_value_i64 on an exact-size copy of `text`; *out keeps CANARY_I64
 * unless the call succeeds. */
static int32_t value_i64(const char *text, int64_t *out) {
    size_t len = slen(text);
    uint8_t *copy = dup_bytes(text, len);
    *out = CANARY_I64;
    int32_t rc = log_value_i64(copy, len, out);
    free(copy);
    return rc;
}

static void values_integers(void) {
    int64_t v;
    if (CHECK_EQ(value_i64("0", &v), LOG_OK))
        CHECK_EQ(v, 0);
    if (CHECK_EQ(value_i64("-0", &v), LOG_OK))
        CHECK_EQ(v, 0);
    if (CHECK_EQ(value_i64("-42", &v), LOG_OK))
        CHECK_EQ(v, -42);
    if (CHECK_EQ(value_i64("007", &v), LOG_OK))
        CHECK_EQ(v, 7);
    if (CHECK_EQ(value_i64("9223372036854775807", &v), LOG_OK))
        CHECK(v == INT64_MAX);
    if (CHECK_EQ(value_i64("-9223372036854775808", &v), LOG_OK))
        CHECK(v == INT64_MIN);
    static const char *const syntax[] = {"", "+1", " 1", "1 ", "1.5", "1_000", "0x10", "-", "--1"};
    for (size_t i = 0; i < sizeof syntax / sizeof *syntax; i++) {
        CHECK_EQ(value_i64(syntax[i], &v), LOG_ERR_VALUE_SYNTAX);
        CHECK(v == CANARY_I64);
    }
    CHECK_EQ(value_i64("9223372036854775808", &v), LOG_ERR_VALUE_OUT_OF_RANGE);
    CHECK(v == CANARY_I64);
    CHECK_EQ(value_i64("-9223372036854775809", &v), LOG_ERR_VALUE_OUT_OF_RANGE);
    CHECK(v == CANARY_I64);
    /* A syntax error anywhere wins over an overflow. */
    CHECK_EQ(value_i64("99999999999999999999x", &v), LOG_ERR_VALUE_SYNTAX);

    uint64_t u = 77;
    CHECK_EQ(log_value_u64((const uint8_t *)"18446744073709551615", 20, &u), LOG_OK);
    CHECK(u == UINT64_MAX);
    u = 77;
    CHECK_EQ(log_value_u64((const uint8_t *)"18446744073709551616", 20, &u),
             LOG_ERR_VALUE_OUT_OF_RANGE);
    CHECK_EQ(log_value_u64((const uint8_t *)"-1", 2, &u), LOG_ERR_VALUE_SYNTAX);
    CHECK_EQ(u, 77);
    if (CHECK_EQ(log_value_u64((const uint8_t *)"0042", 4, &u), LOG_OK))
        CHECK_EQ(u, 42);

    /* NULL rules, the same for every value function. */
    v = CANARY_I64;
    CHECK_EQ(log_value_i64(NULL, 0, &v), LOG_ERR_VALUE_SYNTAX); /* empty text */
    CHECK_EQ(log_value_i64(NULL, 3, &v), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_value_i64((const uint8_t *)"1", 1, NULL), LOG_ERR_NULL_ARGUMENT);
    CHECK(v == CANARY_I64);
    CHECK_EQ(log_value_u64(NULL, 0, &u), LOG_ERR_VALUE_SYNTAX);
    CHECK_EQ(log_value_u64(NULL, 3, &u), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_value_u64((const uint8_t *)"1", 1, NULL), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(u, 42);
    /* Length 0 with a valid pointer: the empty text, never read. */
    CHECK_EQ(log_value_i64((const uint8_t *)"5", 0, &v), LOG_ERR_VALUE_SYNTAX);
}

static void values_floats_and_bools(void) {
    static const struct {
        const char *text;
        double want;
    } ok[] = {
        {"0", 0.0},       {"-1.5e3", -1500.0}, {"0.1", 0.1},     {"1E-7", 1e-7},
        {"120", 120.0},   {"007.5", 7.5},      {"1e-400", 0.0},  {"2.5E+3", 2500.0},
        {"3.141592653589793", 3.141592653589793},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        double d = -99.0;
        uint8_t *copy = dup_bytes(ok[i].text, slen(ok[i].text));
        int32_t rc = log_value_f64(copy, slen(ok[i].text), &d);
        free(copy);
        if (!CHECK_EQ(rc, LOG_OK) || !CHECK(d == ok[i].want))
            note("  log_value_f64(\"%s\") = %d, %.17g", ok[i].text, (int)rc, d);
    }
    static const char *const bad[] = {"", "inf", "NaN", ".5", "5.", "1e", "+1", "0x1p3", " 1", "1,5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double d = -99.0;
        CHECK_EQ(log_value_f64((const uint8_t *)bad[i], slen(bad[i]), &d), LOG_ERR_VALUE_SYNTAX);
        CHECK(d == -99.0);
    }
    double d = -99.0;
    CHECK_EQ(log_value_f64((const uint8_t *)"1e309", 5, &d), LOG_ERR_VALUE_OUT_OF_RANGE);
    CHECK(d == -99.0);
    CHECK_EQ(log_value_f64(NULL, 1, &d), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_value_f64((const uint8_t *)"1", 1, NULL), LOG_ERR_NULL_ARGUMENT);
    CHECK(d == -99.0);

    static const char *const t[] = {"1", "t", "T", "true", "True", "TRUE"};
    static const char *const f[] = {"0", "f", "F", "false", "False", "FALSE"};
    for (size_t i = 0; i < 6; i++) {
        uint8_t b = CANARY_U8;
        if (CHECK_EQ(log_value_bool((const uint8_t *)t[i], slen(t[i]), &b), LOG_OK))
            CHECK_EQ(b, 1);
        b = CANARY_U8;
        if (CHECK_EQ(log_value_bool((const uint8_t *)f[i], slen(f[i]), &b), LOG_OK))
            CHECK_EQ(b, 0);
    }
    static const char *const nb[] = {"", "yes", "no", "tRUE", "2", " true", "true "};
    for (size_t i = 0; i < sizeof nb / sizeof *nb; i++) {
        uint8_t b = CANARY_U8;
        CHECK_EQ(log_value_bool((const uint8_t *)nb[i], slen(nb[i]), &b), LOG_ERR_VALUE_SYNTAX);
        CHECK_EQ(b, CANARY_U8);
    }
    uint8_t b = CANARY_U8;
    CHECK_EQ(log_value_bool(NULL, 0, &b), LOG_ERR_VALUE_SYNTAX);
    CHECK_EQ(log_value_bool(NULL, 4, &b), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_value_bool((const uint8_t *)"1", 1, NULL), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(b, CANARY_U8);
}

/* ---- timestamps ------------------------------------------------------- */

#define SEC 1000000000ll

static int32_t time_of(const char *text, int kind, int32_t year, int64_t *out) {
    size_t len = slen(text);
    uint8_t *copy = dup_bytes(text, len);
    *out = CANARY_I64;
    int32_t rc = kind == 0   ? log_time_rfc3339(copy, len, out)
                 : kind == 1 ? log_time_clf(copy, len, out)
                             : log_time_rfc3164(copy, len, year, out);
    free(copy);
    return rc;
}

static void values_times(void) {
    int64_t ns;
    static const struct {
        const char *text;
        int64_t want;
    } rfc3339[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"2024-05-01T12:00:00.123Z", 1714564800123000000ll},
        {"1985-04-12T23:20:50.52Z", 482196050520000000ll},
        {"1996-12-19T16:39:57-08:00", 851042397 * SEC},
        {"1996-12-19 16:39:57-0800", 851042397 * SEC},
        {"1996-12-20t00:39:57z", 851042397 * SEC},
        {"1970-01-01T00:00:00.1234567891Z", 123456789}, /* digits past 9 truncated */
        {"1969-12-31T23:59:59Z", -SEC},
    };
    for (size_t i = 0; i < sizeof rfc3339 / sizeof *rfc3339; i++) {
        if (!CHECK_EQ(time_of(rfc3339[i].text, 0, 0, &ns), LOG_OK) ||
            !CHECK_EQ(ns, rfc3339[i].want))
            note("  log_time_rfc3339(\"%s\")", rfc3339[i].text);
    }
    static const char *const bad3339[] = {
        "",
        "2024-05-01T12:00:00",      /* no zone */
        "2023-02-29T00:00:00Z",     /* not a leap year */
        "2024-04-31T00:00:00Z",     /* 31 April */
        "2024-05-01T24:00:00Z",     /* hour 24 */
        "2024-05-01T23:59:60Z",     /* leap second */
        "2024-05-01T12:00:00+24:00",
        "2024-05-01T12:00:00.Z",
        "2024-5-01T12:00:00Z",
        "2024-05-01T12:00:00Z ",
    };
    for (size_t i = 0; i < sizeof bad3339 / sizeof *bad3339; i++) {
        if (!CHECK_EQ(time_of(bad3339[i], 0, 0, &ns), LOG_ERR_VALUE_BAD_TIME))
            note("  log_time_rfc3339(\"%s\")", bad3339[i]);
        CHECK(ns == CANARY_I64);
    }
    CHECK_EQ(time_of("2300-01-01T00:00:00Z", 0, 0, &ns), LOG_ERR_VALUE_OUT_OF_RANGE);
    CHECK(ns == CANARY_I64);
    CHECK_EQ(time_of("1600-01-01T00:00:00Z", 0, 0, &ns), LOG_ERR_VALUE_OUT_OF_RANGE);

    if (CHECK_EQ(time_of("10/Oct/2000:13:55:36 -0700", 1, 0, &ns), LOG_OK))

        CHECK_EQ(ns, 971211336 * SEC);
    if (CHECK_EQ(time_of("10/OCT/2000:20:55:36 +0000", 1, 0, &ns), LOG_OK))
        CHECK_EQ(ns, 971211336 * SEC);
    static const char *const badclf[] = {
        "", "[10/Oct/2000:13:55:36 -0700]", "10/Foo/2000:13:55:36 -0700",
        "31/Apr/2000:13:55:36 -0700", "10/Oct/2000:13:55:36", "10/Oct/2000 13:55:36 -0700",
    };
    for (size_t i = 0; i < sizeof badclf / sizeof *badclf; i++) {
        if (!CHECK_EQ(time_of(badclf[i], 1, 0, &ns), LOG_ERR_VALUE_BAD_TIME))
            note("  log_time_clf(\"%s\")", badclf[i]);
        CHECK(ns == CANARY_I64);
    }

    if (CHECK_EQ(time_of("Oct 11 22:14:15", 2, 2003, &ns), LOG_OK))

        CHECK_EQ(ns, 1065910455 * SEC);
    if (CHECK_EQ(time_of("Oct  1 22:14:15", 2, 2024, &ns), LOG_OK))
        CHECK_EQ(ns, 1727820855 * SEC);
    if (CHECK_EQ(time_of("Oct 01 22:14:15", 2, 2024, &ns), LOG_OK))
        CHECK_EQ(ns, 1727820855 * SEC);
    if (CHECK_EQ(time_of("Oct 1 22:14:15", 2, 2024, &ns), LOG_OK))
        CHECK_EQ(ns, 1727820855 * SEC);
    if (CHECK_EQ(time_of("Feb 29 00:00:00", 2, 2024, &ns), LOG_OK))
        CHECK_EQ(ns, 1709164800 * SEC);
    CHECK_EQ(time_of("Feb 29 00:00:00", 2, 2023, &ns), LOG_ERR_VALUE_BAD_TIME);
    CHECK(ns == CANARY_I64);
    CHECK_EQ(time_of("Oct 11 22:14:15", 2, 3000, &ns), LOG_ERR_VALUE_OUT_OF_RANGE);
    CHECK(ns == CANARY_I64);
    CHECK_EQ(time_of("Oct 11 22:14", 2, 2024, &ns), LOG_ERR_VALUE_BAD_TIME);
    CHECK_EQ(time_of("Oct 32 22:14:15", 2, 2024, &ns), LOG_ERR_VALUE_BAD_TIME);
    CHECK_EQ(time_of("", 2, 2024, &ns), LOG_ERR_VALUE_BAD_TIME);
    CHECK(ns == CANARY_I64);

    /* NULL rules. */
    ns = CANARY_I64;
    CHECK_EQ(log_time_rfc3339(NULL, 0, &ns), LOG_ERR_VALUE_BAD_TIME);
    CHECK_EQ(log_time_rfc3339(NULL, 20, &ns), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_time_rfc3339((const uint8_t *)"1970-01-01T00:00:00Z", 20, NULL),
             LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_time_clf(NULL, 0, &ns), LOG_ERR_VALUE_BAD_TIME);
    CHECK_EQ(log_time_clf(NULL, 26, &ns), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_time_clf((const uint8_t *)"10/Oct/2000:13:55:36 -0700", 26, NULL),
             LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_time_rfc3164(NULL, 0, 2024, &ns), LOG_ERR_VALUE_BAD_TIME);
    CHECK_EQ(log_time_rfc3164(NULL, 15, 2024, &ns), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_time_rfc3164((const uint8_t *)"Oct 11 22:14:15", 15, 2024, NULL),
             LOG_ERR_NULL_ARGUMENT);
    CHECK(ns == CANARY_I64);
}

/* ---- unescaping --------------------------------------------------------- */

typedef int32_t (*unescape_fn)(const uint8_t *, size_t, uint8_t *, size_t, size_t *);

enum { GUARD = 16 };

/* `fn` on an exact-size copy of `raw` into a heap buffer of `cap` bytes
 * followed by a guard; checks the guard and that the input is unchanged.
 * On return out[0 .. cap) holds what was written (0xA5 elsewhere) and
 * *n the output length (777 when not written). */
static int32_t unescape_at(const char *file, int line, unescape_fn fn, const char *raw,
                           size_t raw_len, size_t cap, uint8_t *out, size_t *n) {
    uint8_t *in = dup_bytes(raw, raw_len);
    uint8_t *buf = malloc(cap + GUARD);
    memset(buf, CANARY_U8, cap + GUARD);
    *n = 777;
    int32_t rc = fn(in, raw_len, buf, cap, n);
    int guard_ok = 1;
    for (size_t i = cap; i < cap + GUARD; i++)
        guard_ok &= buf[i] == CANARY_U8;
    check_at(file, line, guard_ok, "nothing written past out_cap");
    check_at(file, line, raw_len == 0 || memcmp(in, raw, raw_len) == 0, "input untouched");
    memcpy(out, buf, cap);
    free(buf);
    free(in);
    return rc;
}
#define UNESCAPE(fn, raw, cap, out, n) \
    unescape_at(__FILE__, __LINE__, (fn), (raw), sizeof(raw) - 1, (cap), (out), (n))

static int all_canary(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != CANARY_U8)
            return 0;
    return 1;
}

/* A decoded text: the success, then every smaller out_cap (too small,
 * nothing written). */
static void check_decodes_at(const char *file, int line, unescape_fn fn, const char *raw,
                             size_t raw_len, const char *want, size_t want_len) {
    uint8_t out[256];
    size_t n;
    int32_t rc = unescape_at(file, line, fn, raw, raw_len, raw_len, out, &n);
    check_eq_at(file, line, rc, LOG_OK, "rc", "LOG_OK");
    check_at(file, line, n == want_len && memcmp(out, want, want_len) == 0, "decoded bytes");
    check_at(file, line, all_canary(out + want_len, raw_len - want_len), "no byte past *out_len");
    rc = unescape_at(file, line, fn, raw, raw_len, want_len, out, &n);
    check_at(file, line, rc == LOG_OK && n == want_len, "out_cap == decoded length suffices");
    if (want_len > 0) {
        rc = unescape_at(file, line, fn, raw, raw_len, want_len - 1, out, &n);
        check_eq_at(file, line, rc, LOG_ERR_OUTPUT_TOO_SMALL, "rc", "LOG_ERR_OUTPUT_TOO_SMALL");
        check_at(file, line, n == 777 && all_canary(out, want_len - 1),
                 "too small: nothing written");
    }
}
#define CHECK_DECODES(fn, raw, want) \
    check_decodes_at(__FILE__, __LINE__, (fn), (raw), sizeof(raw) - 1, (want), sizeof(want) - 1)

/* An error: nothing written to out or *out_len, whatever out_cap is. */
static void check_rejects_at(const char *file, int line, unescape_fn fn, const char *raw,
                             size_t raw_len, int32_t code) {
    uint8_t out[256];
    size_t n;
    size_t caps[2] = {raw_len, 0};
    for (int i = 0; i < 2; i++) {
        int32_t rc = unescape_at(file, line, fn, raw, raw_len, caps[i], out, &n);
        check_eq_at(file, line, rc, code, "rc", "code");
        check_at(file, line, n == 777 && all_canary(out, caps[i]), "error: nothing written");
    }
}
#define CHECK_REJECTS(fn, raw, code) \
    check_rejects_at(__FILE__, __LINE__, (fn), (raw), sizeof(raw) - 1, (code))

/* The NULL and overlap rules every unescaper shares. */
static void unescape_rules(unescape_fn fn) {
    uint8_t out[8];
    size_t n = 777;
    memset(out, CANARY_U8, sizeof out);
    CHECK_EQ(fn((const uint8_t *)"ab", 2, out, sizeof out, NULL), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(fn(NULL, 2, out, sizeof out, &n), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(fn((const uint8_t *)"ab", 2, NULL, 8, &n), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(n, 777);
    CHECK_EQ(fn((const uint8_t *)"ab", 2, NULL, 0, &n), LOG_ERR_OUTPUT_TOO_SMALL);
    CHECK_EQ(n, 777);
    CHECK(all_canary(out, sizeof out));
    CHECK_EQ(fn(NULL, 0, NULL, 0, &n), LOG_OK);
    CHECK_EQ(n, 0);
    n = 777;
    CHECK_EQ(fn(NULL, 0, out, sizeof out, &n), LOG_OK);
    CHECK_EQ(n, 0);
    CHECK(all_canary(out, sizeof out));
    /* Decoding in place would alias input and output: refused. */
    uint8_t text[] = "x\\\\y";
    n = 777;
    CHECK_EQ(fn(text, 4, text, 4, &n), LOG_ERR_INVALID_ARGUMENT);
    CHECK_EQ(fn(text + 1, 3, text, 2, &n), LOG_ERR_INVALID_ARGUMENT);
    CHECK_EQ(n, 777);
    CHECK(memcmp(text, "x\\\\y", 4) == 0);
}

static void values_unescape(void) {
    CHECK_DECODES(log_unescape_json, "plain", "plain");
    CHECK_DECODES(log_unescape_json, "a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t", "a\"b\\c/d\b\f\n\r\t");
    CHECK_DECODES(log_unescape_json, "caf\\u00e9 \\ud83d\\ude00", "caf\xc3\xa9 \xf0\x9f\x98\x80");
    CHECK_DECODES(log_unescape_json, "", "");
    CHECK_REJECTS(log_unescape_json, "bad \\q", LOG_ERR_JSON_BAD_STRING);
    CHECK_REJECTS(log_unescape_json, "lone \\ud800", LOG_ERR_JSON_BAD_STRING);
    CHECK_REJECTS(log_unescape_json, "end \\", LOG_ERR_JSON_BAD_STRING);
    CHECK_REJECTS(log_unescape_json, "raw \" quote", LOG_ERR_JSON_BAD_STRING);
    CHECK_REJECTS(log_unescape_json, "ctl \x01", LOG_ERR_JSON_BAD_STRING);
    unescape_rules(log_unescape_json);

    CHECK_DECODES(log_unescape_logfmt, "it\\'s \\\"ok\\\"\\t", "it's \"ok\"\t");
    CHECK_DECODES(log_unescape_logfmt, "\\x41\\101\\a\\v", "AA\a\v");
    CHECK_DECODES(log_unescape_logfmt, "\\U0001F600 \\ud800", "\xf0\x9f\x98\x80 \xef\xbf\xbd");
    CHECK_DECODES(log_unescape_logfmt, "\\xff", "\xff");
    CHECK_REJECTS(log_unescape_logfmt, "bad \\q", LOG_ERR_LOGFMT_BAD_ESCAPE);
    CHECK_REJECTS(log_unescape_logfmt, "\\400", LOG_ERR_LOGFMT_BAD_ESCAPE);
    CHECK_REJECTS(log_unescape_logfmt, "end \\", LOG_ERR_LOGFMT_BAD_ESCAPE);
    CHECK_REJECTS(log_unescape_logfmt, "ctl \x01", LOG_ERR_LOGFMT_BAD_ESCAPE);
    unescape_rules(log_unescape_logfmt);

    CHECK_DECODES(log_unescape_access, "GET /a\\x20b \\\"q\\\" C:\\\\dir \\w",
                  "GET /a b \"q\" C:\\dir \\w");
    CHECK_DECODES(log_unescape_access, "\\b\\n\\r\\t\\v\\x4", "\b\n\r\t\v\\x4");
    CHECK_DECODES(log_unescape_access, "end \\", "end \\");
    unescape_rules(log_unescape_access);

    CHECK_DECODES(log_syslog_unescape_param, "App\\]", "App]");
    CHECK_DECODES(log_syslog_unescape_param, "a\\\"b\\\\c\\]d", "a\"b\\c]d");
    CHECK_DECODES(log_syslog_unescape_param, "\\n \\x \\", "\\n \\x \\");
    CHECK_DECODES(log_syslog_unescape_param, "\\\\\\\\", "\\\\");
    CHECK_DECODES(log_syslog_unescape_param, "caf\xc3\xa9", "caf\xc3\xa9");
    unescape_rules(log_syslog_unescape_param);
}

/* ---- syslog PRI ------------------------------------------------------- */

static void syslog_priority(void) {
    for (int v = 0; v <= 191; v++) {
        char digits[4];
        int len = snprintf(digits, sizeof digits, "%d", v);
        uint8_t *copy = dup_bytes(digits, (size_t)len);
        uint8_t fac = CANARY_U8, sev = CANARY_U8;
        int32_t rc = log_syslog_priority(copy, (size_t)len, &fac, &sev);
        free(copy);
        if (!(rc == v && fac == v / 8 && sev == v % 8)) {
            CHECK_EQ(rc, v);
            CHECK_EQ(fac, v / 8);
            CHECK_EQ(sev, v % 8);
        }
    }
    CHECK(1); /* the loop above counts only failures */
    uint8_t fac = CANARY_U8, sev = CANARY_U8;
    CHECK_EQ(log_syslog_priority((const uint8_t *)"165", 3, &fac, &sev), 165);
    CHECK_EQ(fac, 20); /* local4 */
    CHECK_EQ(sev, 5);  /* notice */

    static const char *const bad[] = {"", "192", "999", "1000", "00", "007", "-1", "+1", " 1",
                                      "1 ", "<1>", "1a", "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t len = slen(bad[i]);
        uint8_t *copy = dup_bytes(bad[i], len);
        fac = sev = CANARY_U8;
        CHECK_EQ(log_syslog_priority(copy, len, &fac, &sev), LOG_ERR_SYSLOG_BAD_PRI);
        CHECK(fac == CANARY_U8 && sev == CANARY_U8);
        free(copy);
    }
    fac = sev = CANARY_U8;
    CHECK_EQ(log_syslog_priority(NULL, 0, &fac, &sev), LOG_ERR_SYSLOG_BAD_PRI);
    CHECK_EQ(log_syslog_priority(NULL, 2, &fac, &sev), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_syslog_priority((const uint8_t *)"13", 2, NULL, &sev), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_syslog_priority((const uint8_t *)"13", 2, &fac, NULL), LOG_ERR_NULL_ARGUMENT);
    CHECK(fac == CANARY_U8 && sev == CANARY_U8);
}

/* ---- STRUCTURED-DATA cursor -------------------------------------------- */

static void fill_step(LogSdParam *p) {
    fill_garbage(&p->id, 1);
    fill_garbage(&p->name, 1);
    fill_garbage(&p->value, 1);
    p->flags = 0xC3C3C3C3u;
}

static int span_inside(LogSpan s, size_t len) {
    return s.off != LOG_SPAN_ABSENT && (uint64_t)s.off + s.len <= len;
}

/* Walk `len` bytes (an exact-size heap copy is made) from `start`, printing
 * each step into `text` as "+ID" for an element start and " name=value"
 * ("*" after an escaped value), ";" between steps, and the final status as
 * "=N". Checks per call: steps stay inside the input, the cursor moves
 * forward, errors and the end leave cursor and output untouched and
 * repeat. Returns the final status. */
static int32_t walk_at(const char *file, int line, const void *sd_bytes, size_t len,
                       LogSdCursor start, char *text, size_t cap) {
    uint8_t *sd = dup_bytes(sd_bytes, len);
    LogSdCursor cur = start;
    size_t used = 0;
    int32_t rc;
    int ok = 1;
    text[0] = 0;
#define EMIT(...)                                                              \
    do {                                                                       \
        int k_ = snprintf(text + used, cap - used, __VA_ARGS__);               \
        used += (k_ > 0 && (size_t)k_ < cap - used) ? (size_t)k_ : 0;          \
    } while (0)
    for (size_t steps = 0;; steps++) {
        LogSdParam p, before_p;
        fill_step(&p);
        before_p = p;
        LogSdCursor before = cur;
        rc = log_syslog_sd_next(sd, len, &cur, &p);
        if (rc != 1) {
            ok &= rc <= 0 && rc != LOG_ERR_PANIC;
            ok &= memcmp(&cur, &before, sizeof cur) == 0 && memcmp(&p, &before_p, sizeof p) == 0;
            ok &= log_syslog_sd_next(sd, len, &cur, &p) == rc;
            break;
        }
        ok &= steps <= len && cur.pos > before.pos && cur.pos <= len;
        ok &= span_inside(p.id, len) && p.id.flags == 0 &&
              (p.flags & ~(uint32_t)LOG_SD_ELEMENT_START) == 0;
        if (p.flags & LOG_SD_ELEMENT_START)
            EMIT("%s+%.*s", used ? ";" : "", (int)p.id.len, (const char *)sd + p.id.off);
        else
            EMIT("%s", used ? ";" : "");
        if (p.name.off == LOG_SPAN_ABSENT) {
            ok &= p.name.len == 0 && p.name.flags == 0 && p.value.off == LOG_SPAN_ABSENT &&
                  p.value.len == 0 && p.value.flags == 0 && (p.flags & LOG_SD_ELEMENT_START);
        } else {
            ok &= span_inside(p.name, len) && span_inside(p.value, len) && p.name.flags == 0 &&
                  (p.value.flags & ~(uint32_t)LOG_FLAG_ESCAPED) == 0;
            EMIT(" %.*s=%.*s%s", (int)p.name.len, (const char *)sd + p.name.off,
                 (int)p.value.len, (const char *)sd + p.value.off,
                 (p.value.flags & LOG_FLAG_ESCAPED) ? "*" : "");
        }
        if (!ok || steps > len)
            break;
    }
    EMIT("=%d", (int)rc);
#undef EMIT
    check_at(file, line, ok, "cursor invariants (inside the input, forward, errors untouched)");
    free(sd);
    return rc;
}
#define WALK(sd, len, text) \
    walk_at(__FILE__, __LINE__, (sd), (len), (LogSdCursor){0, 0, 0}, (text), sizeof(text))

/* The structured_data span of an RFC 5424 line. */
static LogSpan parse_sd(LogParser *p, const char *line) {
    LogSpan out[LOG_SYSLOG_FIELDS];
    int32_t rc = checked_parse(p, line, slen(line), out, LOG_SYSLOG_FIELDS);
    CHECK(rc > 0);
    return out[LOG_SYSLOG_FIELD_STRUCTURED_DATA];
}

static void syslog_sd_examples(void) {
    LogParser *p = new_parser("syslog5424");
    if (p == NULL)
        return;
    static const struct {
        const char *line, *want;
    } cases[] = {
        /* RFC 5424 6.5, examples 3 and 4 (without the BOM). */
        {"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
         "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
         "An application event log entry...",
         "+exampleSDID@32473 iut=3; eventSource=Application; eventID=1011=0"},
        {"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
         "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
         "[examplePriority@32473 class=\"high\"]",
         "+exampleSDID@32473 iut=3; eventSource=Application; eventID=1011;"
         "+examplePriority@32473 class=high=0"},
        /* Elements without parameters, escapes, an empty value. */
        {"<13>1 - - - - - [origin][meta sequenceId=\"1\" x=\"\"][sig v=\"a\\\"b\\\\c\\]d\"] msg",
         "+origin;+meta sequenceId=1; x=;+sig v=a\\\"b\\\\c\\]d*=0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        LogSpan s = parse_sd(p, cases[i].line);
        if (!CHECK(s.off != LOG_SPAN_ABSENT))
            continue;
        char text[512];
        WALK(cases[i].line + s.off, s.len, text);
        CHECK_STR(text, cases[i].want);
    }

    /* Offsets are relative to the walked bytes; decode an escaped value. */
    const char *line = "<13>1 - - - - - [ex@1 a=\"x\\]y\"] m";
    LogSpan s = parse_sd(p, line);
    const uint8_t *sd = (const uint8_t *)line + s.off;
    LogSdCursor cur = {0};
    LogSdParam step;
    CHECK_EQ(log_syslog_sd_next(sd, s.len, &cur, &step), 1);
    CHECK_SPAN(sd, step.id, 1, "ex@1", 0);
    CHECK_SPAN(sd, step.name, 6, "a", 0);
    CHECK_SPAN(sd, step.value, 9, "x\\]y", LOG_FLAG_ESCAPED);
    CHECK_EQ(step.flags, LOG_SD_ELEMENT_START);
    uint8_t buf[8];
    size_t n = 0;
    CHECK_EQ(log_syslog_unescape_param(sd + step.value.off, step.value.len, buf, sizeof buf, &n),
             LOG_OK);
    CHECK(n == 3 && memcmp(buf, "x]y", 3) == 0);
    CHECK_EQ(log_syslog_sd_next(sd, s.len, &cur, &step), 0);
    CHECK_EQ(log_syslog_sd_next(sd, s.len, &cur, &step), 0);
    log_parser_free(p);
}

static void syslog_sd_garbage(void) {
    static const struct {
        const char *sd, *want;
    } cases[] = {
        {"", "=0"},
        {"-", "=-1405"},
        {"x[a]", "=-1405"},
        {"[", "=-1407"},
        {"[]", "=-1405"},
        {"[a", "=-1407"},
        {"[a ", "=-1407"},
        {"[a x", "=-1407"},
        {"[a x=\"", "=-1407"},
        {"[a x=\"1\\", "=-1407"},
        {"[a x=\"1\"", "=-1407"},
        {"[a x=1]", "=-1405"},
        {"[a x=\"1\"][", "+a x=1=-1407"},
        {"[a x=\"1\"]z", "+a x=1=-1405"},
        {"[a] x=\"1\"]", "+a=-1405"},
        {"[a x=\"1\"y=\"2\"]", "=-1405"},
        {"[a x=\"\\n\"]", "=-1405"},   /* only \" \\ \] are escapes */
        {"[a x=\"]\"]", "=-1405"},     /* an unescaped ] in a value */
        {"[a x=\"\xff\"]", "=-1405"},  /* values are UTF-8 */
        {"[a x=\"1\" ]", "+a x=1=-1407"},
        {"[a=b]", "=-1405"},
        {"[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]", "=-1405"}, /* a 33-byte SD-ID */
        /* Not checked by the cursor (it has no memory): a repeated SD-ID. */
        {"[a][a]", "+a;+a=0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[256];
        WALK(cases[i].sd, slen(cases[i].sd), text);
        if (!CHECK_STR(text, cases[i].want))
            note("  sd \"%s\"", cases[i].sd);
    }

    /* Every prefix of a valid STRUCTURED-DATA: the steps of the whole, cut
     * short, then an error unless the prefix ends an element. */
    static const char full[] = "[a@1 x=\"1\" y=\"a\\]b\"][b][c z=\"\\\\\" w=\"\xc3\xa9\"]";
    char whole[256], part[256];
    CHECK_EQ(WALK(full, sizeof full - 1, whole), 0);
    CHECK_STR(whole, "+a@1 x=1; y=a\\]b*;+b;+c z=\\\\*; w=\xc3\xa9=0");
    int prefixes_ok = 1;
    for (size_t n = 0; n < sizeof full - 1; n++) {
        int32_t rc = WALK(full, n, part);
        int ends_element = n == 0 || (full[n - 1] == ']' && full[n - 2] != '\\');
        prefixes_ok &= ends_element ? rc == 0 : rc < 0;
        /* The steps written are a prefix of the whole walk's. */
        char *eq = strrchr(part, '=');
        size_t k = (size_t)(eq - part);
        prefixes_ok &= strncmp(part, whole, k) == 0;
    }
    CHECK(prefixes_ok);

    /* Pseudo-random bytes biased to SD syntax, and arbitrary cursors: the
     * invariants only (ASan / valgrind watch the reads). */
    static const char alphabet[] = "[] =\"\\ab@\xff";
    uint32_t seed = 12345;
    for (int round = 0; round < 2000; round++) {
        uint8_t bytes[48];
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % sizeof bytes;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            bytes[i] = (seed >> 24) % 4 == 0 ? (uint8_t)(seed >> 8)
                                             : (uint8_t)alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        char text[1024];
        seed = seed * 1103515245u + 12345u;
        LogSdCursor start = {0, 0, 0};
        if (round % 2) {
            start.pos = (seed >> 8) % (len + 2);
            start.elem_off = (seed >> 12) % (len + 2);
            start.elem_len = (seed >> 20) % 6;
        }
        walk_at(__FILE__, __LINE__, bytes, len, start, text, sizeof text);
    }

    /* A cursor outside the input; NULL rules. */
    LogSdCursor cur = {4, 0, 0}, keep;
    LogSdParam p;
    fill_step(&p);
    LogSdParam pkeep = p;
    keep = cur;
    CHECK_EQ(log_syslog_sd_next((const uint8_t *)"[a]", 3, &cur, &p), LOG_ERR_INVALID_ARGUMENT);
    cur.pos = 0;
    cur.elem_off = 2;
    cur.elem_len = 2;
    keep = cur;
    CHECK_EQ(log_syslog_sd_next((const uint8_t *)"[a]", 3, &cur, &p), LOG_ERR_INVALID_ARGUMENT);
    CHECK(memcmp(&cur, &keep, sizeof cur) == 0 && memcmp(&p, &pkeep, sizeof p) == 0);
    LogSdCursor zero = {0, 0, 0};
    cur = zero;
    CHECK_EQ(log_syslog_sd_next((const uint8_t *)"[a]", 3, NULL, &p), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_syslog_sd_next((const uint8_t *)"[a]", 3, &cur, NULL), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_syslog_sd_next(NULL, 3, &cur, &p), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_syslog_sd_next(NULL, 0, &cur, &p), 0);
    CHECK_EQ(log_syslog_sd_next((const uint8_t *)"[a]", 0, &cur, &p), 0);
    CHECK(memcmp(&cur, &zero, sizeof cur) == 0 && memcmp(&p, &pkeep, sizeof p) == 0);
}

void test_values_syslog(void) {
    values_integers();
    values_floats_and_bools();
    values_times();
    values_unescape();
    syslog_priority();
    syslog_sd_examples();
    syslog_sd_garbage();
}

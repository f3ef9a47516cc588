/* log_parser_new (specs, error messages, err_buf truncation), the field
 * queries, log_parser_parse (output capacity, JSON projection, invalid
 * JSON), log_status_str and the version functions. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ------------------------------------------------------------ specs */

/* The spec must fail with LOG_ERR_INVALID_SPEC, leave *out alone and give
 * a NUL-terminated message naming byte `pos`. */
static void bad_spec(const char *file, int line, const void *spec, size_t len, int pos) {
    LogParser *p = (LogParser *)(uintptr_t)0xDEAD;
    uint8_t err[512];
    memset(err, 0xAA, sizeof err);
    int32_t rc = log_parser_new(spec, len, &p, err, sizeof err);
    check_eq_at(file, line, rc, LOG_ERR_INVALID_SPEC, "log_parser_new(bad spec)",
                "LOG_ERR_INVALID_SPEC");
    check_at(file, line, p == (LogParser *)(uintptr_t)0xDEAD, "*out untouched on failure");
    int terminated = memchr(err, 0, sizeof err) != NULL;
    check_at(file, line, terminated && err[0] != 0, "non-empty NUL-terminated message");
    if (!terminated)
        return;
    char want[32];
    snprintf(want, sizeof want, "byte %d", pos);
    if (!check_at(file, line, strstr((const char *)err, want) != NULL,
                  "message names the byte position"))
        fprintf(stderr, "  message: \"%s\", want \"%s\"\n", (const char *)err, want);
    if (p != (LogParser *)(uintptr_t)0xDEAD && p != NULL)
        log_parser_free(p);
}
#define BAD_SPEC(s, pos) bad_spec(__FILE__, __LINE__, (s), sizeof(s) - 1, (pos))

static void good_specs(void) {
    static const struct {
        const char *spec;
        size_t fields;
    } specs[] = {
        {"combined", LOG_FAST_FIELDS},
        {"common", LOG_COMMON_FIELDS},
        {"access", LOG_FAST_FIELDS},
        {"json:a,b.c,items[0].id,a\\.b", 4},
        {"json:msg", 1},
    };
    for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
        uint8_t *copy = dup_bytes(specs[k].spec, strlen(specs[k].spec));
        LogParser *p = NULL;
        uint8_t err[64];
        memset(err, 0xAA, sizeof err);
        CHECK_EQ(log_parser_new(copy, strlen(specs[k].spec), &p, err, sizeof err), LOG_OK);
        CHECK(p != NULL);
        CHECK(memcmp(copy, specs[k].spec, strlen(specs[k].spec)) == 0); /* input untouched */
        CHECK_EQ(log_parser_field_count(p), specs[k].fields);
        free(copy); /* the parser does not keep the spec */
        CHECK_EQ(log_parser_field_count(p), specs[k].fields);
        log_parser_free(p);
    }
}

static void bad_specs(void) {
    BAD_SPEC("", 0);
    BAD_SPEC("nope", 0);
    BAD_SPEC("Combined", 0);
    BAD_SPEC("combined\0", 0); /* the length counts; a NUL is a byte */
    BAD_SPEC("json", 4);
    BAD_SPEC("json:", 5);
    BAD_SPEC("json:a,,b", 7);
    BAD_SPEC("json:a,a", 7);
    BAD_SPEC("json:a,", 7);
    BAD_SPEC("json:a.", 7);
    BAD_SPEC("json:[0]", 5);
    BAD_SPEC("json:a[x]", 7);
    BAD_SPEC("json:a[1", 6);
    BAD_SPEC("json:a\\", 6);
    BAD_SPEC("combined:x", 8);
    BAD_SPEC("json:a\xff" "b", 6); /* not UTF-8 */
    BAD_SPEC("\xc3(", 0);

    /* 33 path segments: one more than LOG_MAX_JSON_PATH_SEGMENTS. */
    char deep[5 + 2 * 33 + 1] = "json:";
    for (int i = 0; i < 33; i++)
        strcat(deep, i ? ".a" : "a");
    bad_spec(__FILE__, __LINE__, deep, strlen(deep), 5);
    deep[strlen(deep) - 2] = 0; /* 32 segments: fine */
    LogParser *p = new_parser(deep);
    CHECK_EQ(log_parser_field_count(p), 1);
    log_parser_free(p);

    /* LOG_MAX_FIELDS + 1 fields. */
    size_t cap = 5 + (LOG_MAX_FIELDS + 1) * 8;
    char *many = malloc(cap);
    size_t n = (size_t)sprintf(many, "json:");
    for (int i = 0; i <= LOG_MAX_FIELDS; i++)
        n += (size_t)sprintf(many + n, i ? ",f%d" : "f%d", i);
    bad_spec(__FILE__, __LINE__, many, n, 5);
    /* Exactly LOG_MAX_FIELDS: fine. */
    n = (size_t)(strrchr(many, ',') - many);
    p = NULL;
    CHECK_EQ(log_parser_new((const uint8_t *)many, n, &p, NULL, 0), LOG_OK);
    CHECK_EQ(log_parser_field_count(p), LOG_MAX_FIELDS);
    log_parser_free(p);
    free(many);

    /* A spec longer than LOG_MAX_SPEC_LEN. */
    size_t big = (size_t)LOG_MAX_SPEC_LEN + 1;
    char *huge = malloc(big);
    memset(huge, 'x', big);
    bad_spec(__FILE__, __LINE__, huge, big, LOG_MAX_SPEC_LEN);
    free(huge);
}

/* err_buf gets at most err_cap bytes, the last one a NUL, and nothing
 * after err_cap is touched (canaries). */
static void err_buf_truncation(void) {
    const char *spec = "nope";
    char full[512];
    LogParser *p = NULL;
    CHECK_EQ(log_parser_new((const uint8_t *)spec, 4, &p, (uint8_t *)full, sizeof full),
             LOG_ERR_INVALID_SPEC);
    size_t full_len = strlen(full);
    CHECK(full_len > 16);
    note("  err message: %s", full);

    size_t caps[] = {1, 2, 8, full_len, full_len + 1, full_len + 2};
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        size_t c = caps[k];
        uint8_t buf[600];
        memset(buf, 0xAA, sizeof buf);
        p = NULL;
        CHECK_EQ(log_parser_new((const uint8_t *)spec, 4, &p, buf, c), LOG_ERR_INVALID_SPEC);
        CHECK(p == NULL);
        size_t written = c - 1 < full_len ? c - 1 : full_len;
        CHECK(memcmp(buf, full, written) == 0);
        if (!CHECK_EQ(buf[written], 0))
            fprintf(stderr, "  err_cap %zu\n", c);
        int canaries = 1;
        for (size_t i = written + 1; i < sizeof buf; i++)
            canaries &= buf[i] == 0xAA;
        if (!CHECK(canaries))
            fprintf(stderr, "  err_cap %zu: bytes past the message were written\n", c);
    }
    /* A heap buffer of exactly err_cap bytes: ASan/valgrind catch a write
     * past it. */
    for (size_t c = 1; c <= 9; c++) {
        uint8_t *b = malloc(c);
        CHECK_EQ(log_parser_new((const uint8_t *)spec, 4, &p, b, c), LOG_ERR_INVALID_SPEC);
        CHECK_EQ(b[c - 1], 0);
        free(b);
    }
}

/* ------------------------------------------------------------ fields */

static void check_names(const char *spec, const char *const *names, size_t n) {
    LogParser *p = new_parser(spec);
    if (p == NULL)
        return;
    CHECK_EQ(log_parser_field_count(p), n);
    for (size_t i = 0; i < n; i++) {
        size_t len = 9999;
        const char *name = log_parser_field_name(p, i, &len);
        if (!CHECK_STR(name, names[i]))
            continue;
        CHECK_EQ(len, strlen(names[i]));
        CHECK_EQ(name[len], '\0');
        /* Owned by the parser: the same pointer every time. */
        CHECK(log_parser_field_name(p, i, NULL) == name);
        CHECK_EQ(log_parser_field_index(p, (const uint8_t *)names[i], strlen(names[i])),
                 (int32_t)i);
    }
    size_t len = 4242;
    CHECK(log_parser_field_name(p, n, &len) == NULL);
    CHECK(log_parser_field_name(p, n + 1, &len) == NULL);
    CHECK(log_parser_field_name(p, (size_t)-1, &len) == NULL);
    log_parser_free(p);
}

static void fields(void) {
    static const char *const access_names[] = {
        "remote_addr", "ident",    "remote_user", "time",       "request", "method",
        "path",        "protocol", "status",      "body_bytes", "referer", "user_agent"};
    check_names("combined", access_names, 12);
    check_names("access", access_names, 12);
    check_names("common", access_names, 10);
    static const char *const json_names[] = {"a", "b.c", "items[0].id", "a\\.b"};
    check_names("json:a,b.c,items[0].id,a\\.b", json_names, 4);
    /* Paths are trimmed. */
    static const char *const trimmed[] = {"a", "b"};
    check_names("json: a , b", trimmed, 2);

    /* The LOG_FIELD_* constants are the indexes of the access specs. */
    LogParser *p = new_parser("access");
    if (p == NULL)
        return;
    CHECK_EQ(log_parser_field_index(p, (const uint8_t *)"status", 6), LOG_FIELD_STATUS);
    CHECK_EQ(log_parser_field_index(p, (const uint8_t *)"user_agent", 10), LOG_FIELD_USER_AGENT);
    /* The name is (pointer, length): no NUL needed, none looked for. */
    CHECK_EQ(log_parser_field_index(p, (const uint8_t *)"pathXYZ", 4), LOG_FIELD_PATH);
    CHECK_EQ(log_parser_field_index(p, (const uint8_t *)"status", 5), LOG_ERR_INVALID_ARGUMENT);
    CHECK_EQ(log_parser_field_index(p, (const uint8_t *)"Status", 6), LOG_ERR_INVALID_ARGUMENT);
    CHECK_EQ(log_parser_field_index(p, (const uint8_t *)"status\0", 7), LOG_ERR_INVALID_ARGUMENT);
    CHECK_EQ(log_parser_field_index(p, (const uint8_t *)"nope", 4), LOG_ERR_INVALID_ARGUMENT);
    CHECK_EQ(log_parser_field_index(p, (const uint8_t *)"\xff\xfe", 2), LOG_ERR_INVALID_ARGUMENT);
    log_parser_free(p);
    /* The common spec has no referer. */
    p = new_parser("common");
    CHECK_EQ(log_parser_field_index(p, (const uint8_t *)"referer", 7), LOG_ERR_INVALID_ARGUMENT);
    log_parser_free(p);
}

/* ------------------------------------------------------------ parse */

static const char COMBINED[] =
    "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
    "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"";
static const char COMMON[] =
    "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326";

/* Nothing is written when out_cap < field count; nothing past
 * field_count is written either. */
static void output_capacity(void) {
    static const char *const specs[] = {"access", "common", "json:a,b.c,items[0].id,a\\.b"};
    static const char *const lines[] = {COMBINED, COMMON, "{\"a\":1}"};
    for (size_t k = 0; k < 3; k++) {
        LogParser *p = new_parser(specs[k]);
        if (p == NULL)
            continue;
        size_t nf = log_parser_field_count(p);
        LogSpan out[16], before[16];
        for (size_t cap = 0; cap < nf; cap++) {
            fill_garbage(out, 16);
            memcpy(before, out, sizeof out);
            CHECK_EQ(log_parser_parse(p, (const uint8_t *)lines[k], strlen(lines[k]), out, cap),
                     LOG_ERR_OUTPUT_TOO_SMALL);
            CHECK(memcmp(out, before, sizeof out) == 0);
        }
        /* Too small wins over a bad line: nothing written either. */
        CHECK_EQ(log_parser_parse(p, (const uint8_t *)"x", 1, out, nf - 1),
                 LOG_ERR_OUTPUT_TOO_SMALL);
        CHECK(memcmp(out, before, sizeof out) == 0);
        /* A larger capacity: spans [nf, cap) are left alone, on success
         * and on error. */
        for (int bad = 0; bad < 2; bad++) {
            fill_garbage(out, 16);
            memcpy(before, out, sizeof out);
            const char *l = bad ? "x" : lines[k];
            int32_t rc = log_parser_parse(p, (const uint8_t *)l, strlen(l), out, 16);
            CHECK(bad ? rc < 0 : rc > 0);
            CHECK(memcmp(out + nf, before + nf, (16 - nf) * sizeof(LogSpan)) == 0);
        }
        log_parser_free(p);
    }
}

/* The access specs on the same lines: access == log_parse_fast, common
 * rejects referer/user agent, combined requires them. */
static void access_specs(void) {
    LogParser *access = new_parser("access");
    LogParser *common = new_parser("common");
    LogParser *combined = new_parser("combined");
    if (!access || !common || !combined)
        return;
    LogSpan a[12], b[12];
    CHECK_EQ(checked_parse(access, COMBINED, slen(COMBINED), a, 12), 11);
    CHECK_EQ(checked_fast(COMBINED, slen(COMBINED), b), 11);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK_EQ(checked_parse(combined, COMBINED, slen(COMBINED), b, 12), 11);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK_EQ(checked_parse(common, COMBINED, slen(COMBINED), b, 12), LOG_ERR_ACCESS_TRAILING_DATA);

    CHECK_EQ(checked_parse(access, COMMON, slen(COMMON), a, 12), 9);
    CHECK_EQ(checked_parse(common, COMMON, slen(COMMON), b, 10), 9);
    CHECK(memcmp(a, b, 10 * sizeof(LogSpan)) == 0);
    CHECK_ABSENT(a[LOG_FIELD_REFERER]);
    CHECK_ABSENT(a[LOG_FIELD_USER_AGENT]);
    CHECK_EQ(checked_parse(combined, COMMON, slen(COMMON), b, 12), LOG_ERR_ACCESS_TRUNCATED);
    log_parser_free(access);
    log_parser_free(common);
    log_parser_free(combined);
}

static void json_projection(void) {
    LogSpan o[16];
    LogParser *p = new_parser("json:a,b.c,items[0].id,a\\.b");
    if (p != NULL) {
        const char *l =
            "{\"a\":\"x\\\"y\",\"b\":{\"c\":12.5e-1},\"items\":[{\"id\":true},{\"id\":2}],"
            "\"a.b\":null}";
        CHECK_EQ(checked_parse(p, l, slen(l), o, 16), 4);
        CHECK_SPAN(l, o[0], 6, "x\\\"y", LOG_TYPE_STRING | LOG_FLAG_ESCAPED);
        CHECK_SPAN(l, o[1], 21, "12.5e-1", LOG_TYPE_NUMBER);
        CHECK_SPAN(l, o[2], 45, "true", LOG_TYPE_BOOL);
        CHECK_SPAN(l, o[3], 67, "null", LOG_TYPE_NULL);
        /* Missing keys are absent, not errors. */
        const char *m = "{\"b\":{\"d\":1},\"items\":[],\"zzz\":{\"a\":1}}";
        CHECK_EQ(checked_parse(p, m, slen(m), o, 16), 0);
        for (int i = 0; i < 4; i++)
            CHECK_ABSENT(o[i]);
        /* Keys are compared after unescaping. */
        const char *u = "{\"\\u0061\":1}";
        CHECK_EQ(checked_parse(p, u, slen(u), o, 16), 1);
        CHECK_SPAN(u, o[0], 10, "1", LOG_TYPE_NUMBER);
        log_parser_free(p);
    }

    p = new_parser("json:obj,arr,s,n,t,f,z,missing,obj.k,arr[1].x,arr[5]");
    if (p != NULL) {
        const char *l = "{\"obj\":{\"k\":[1,2]},\"arr\":[1,{\"x\":2}],\"s\":\"plain\","
                        "\"n\":-0.5E+2,\"t\":true,\"f\":false,\"z\":null}";
        CHECK_EQ(checked_parse(p, l, slen(l), o, 16), 9);
        CHECK_SPAN(l, o[0], 7, "{\"k\":[1,2]}", LOG_TYPE_OBJECT);
        CHECK_SPAN(l, o[1], 25, "[1,{\"x\":2}]", LOG_TYPE_ARRAY);
        CHECK_SPAN(l, o[2], 42, "plain", LOG_TYPE_STRING);
        CHECK_SPAN(l, o[3], 53, "-0.5E+2", LOG_TYPE_NUMBER);
        CHECK_SPAN(l, o[4], 65, "true", LOG_TYPE_BOOL);
        CHECK_SPAN(l, o[5], 74, "false", LOG_TYPE_BOOL);
        CHECK_SPAN(l, o[6], 84, "null", LOG_TYPE_NULL);
        CHECK_ABSENT(o[7]);
        CHECK_SPAN(l, o[8], 12, "[1,2]", LOG_TYPE_ARRAY);
        CHECK_SPAN(l, o[9], 33, "2", LOG_TYPE_NUMBER);
        CHECK_ABSENT(o[10]);
        log_parser_free(p);
    }

    /* Whitespace around tokens, escapes in a string, "\r\n" at the end. */
    p = new_parser("json:msg,http.status,http");
    if (p != NULL) {
        const char *l = " { \"msg\" : \"sp\\u00e9ces\" , \"http\" : { \"status\" : 503 } } \r\n";
        CHECK_EQ(checked_parse(p, l, slen(l), o, 16), 3);
        CHECK_SPAN(l, o[0], 12, "sp\\u00e9ces", LOG_TYPE_STRING | LOG_FLAG_ESCAPED);
        CHECK_SPAN(l, o[1], 49, "503", LOG_TYPE_NUMBER);
        CHECK_SPAN(l, o[2], 36, "{ \"status\" : 503 }", LOG_TYPE_OBJECT);
        /* Raw UTF-8 is not an escape. */
        const char *r = "{\"msg\":\"caf\xc3\xa9\"}";
        CHECK_EQ(checked_parse(p, r, slen(r), o, 16), 1);
        CHECK_SPAN(r, o[0], 8, "caf\xc3\xa9", LOG_TYPE_STRING);
        log_parser_free(p);
    }
}

static void json_duplicates(void) {
    LogSpan o[8];
    LogParser *p = new_parser("json:a,b");
    if (p != NULL) {
        const char *l = "{\"a\":1,\"b\":2,\"a\":\"two\"}";
        CHECK_EQ(checked_parse(p, l, slen(l), o, 8), 2);
        CHECK_SPAN(l, o[0], 18, "two", LOG_TYPE_STRING | LOG_FLAG_DUPLICATE); /* last wins */
        CHECK_SPAN(l, o[1], 11, "2", LOG_TYPE_NUMBER);
        /* The same key spelled with an escape is a duplicate too. */
        const char *e = "{\"a\":1,\"\\u0061\":2}";
        CHECK_EQ(checked_parse(p, e, slen(e), o, 8), 1);
        CHECK_SPAN(e, o[0], 16, "2", LOG_TYPE_NUMBER | LOG_FLAG_DUPLICATE);
        /* Same key in a nested object (not the projected one): no flag. */
        const char *n = "{\"x\":{\"a\":1,\"a\":2},\"a\":3}";
        CHECK_EQ(checked_parse(p, n, slen(n), o, 8), 1);
        CHECK_SPAN(n, o[0], 23, "3", LOG_TYPE_NUMBER);
        log_parser_free(p);
    }
    /* A repeated parent object replaces everything below it. */
    p = new_parser("json:b.c,b.d");
    if (p != NULL) {
        const char *l = "{\"b\":{\"c\":1,\"d\":2},\"b\":{\"c\":3}}";
        CHECK_EQ(checked_parse(p, l, slen(l), o, 8), 1);
        CHECK_SPAN(l, o[0], 28, "3", LOG_TYPE_NUMBER);
        CHECK_ABSENT(o[1]);
        log_parser_free(p);
    }
    p = new_parser("json:a,a.b");
    if (p != NULL) {
        const char *l = "{\"a\":{\"b\":1},\"a\":{\"c\":2}}";
        CHECK_EQ(checked_parse(p, l, slen(l), o, 8), 1);
        CHECK_SPAN(l, o[0], 17, "{\"c\":2}", LOG_TYPE_OBJECT | LOG_FLAG_DUPLICATE);
        CHECK_ABSENT(o[1]);
        const char *s = "{\"a\":5,\"a\":{\"b\":1}}";
        CHECK_EQ(checked_parse(p, s, slen(s), o, 8), 2);
        CHECK_SPAN(s, o[0], 11, "{\"b\":1}", LOG_TYPE_OBJECT | LOG_FLAG_DUPLICATE);
        CHECK_SPAN(s, o[1], 16, "1", LOG_TYPE_NUMBER);
        log_parser_free(p);
    }
    /* Inside an array element; and a repeated array replacing the first. */
    p = new_parser("json:items[0].id,items.id");
    if (p != NULL) {
        const char *l = "{\"items\":[{\"id\":1,\"id\":2}]}";
        CHECK_EQ(checked_parse(p, l, slen(l), o, 8), 1);
        CHECK_SPAN(l, o[0], 23, "2", LOG_TYPE_NUMBER | LOG_FLAG_DUPLICATE);
        CHECK_ABSENT(o[1]); /* items is an array: no key "id" in it */
        const char *r = "{\"items\":[{\"id\":1}],\"items\":[{\"x\":1}]}";
        CHECK_EQ(checked_parse(p, r, slen(r), o, 8), 0);
        CHECK_ABSENT(o[0]);
        log_parser_free(p);
    }
    /* Keys match exactly (no prefix), after unescaping \" and \/. */
    p = new_parser("json:a,a\"b,a/b");
    if (p != NULL) {
        const char *l = "{\"ab\":1,\"a\\\"b\":2,\"a\\/b\":3}";
        CHECK_EQ(checked_parse(p, l, slen(l), o, 8), 2);
        CHECK_ABSENT(o[0]);
        CHECK_SPAN(l, o[1], 15, "2", LOG_TYPE_NUMBER);
        CHECK_SPAN(l, o[2], 24, "3", LOG_TYPE_NUMBER);
        log_parser_free(p);
    }
}

/* A heap line of `depth` openers around a value, then closers. */
static char *nested(const char *open, const char *mid, const char *close, size_t depth,
                    size_t *len) {
    size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
    *len = depth * (lo + lc) + lm;
    char *s = malloc(*len);
    char *w = s;
    for (size_t i = 0; i < depth; i++, w += lo)
        memcpy(w, open, lo);
    memcpy(w, mid, lm);
    w += lm;
    for (size_t i = 0; i < depth; i++, w += lc)
        memcpy(w, close, lc);
    return s;
}

static void json_invalid(void) {
    LogParser *p = new_parser("json:a,b.c,items[0].id,a\\.b");
    if (p == NULL)
        return;
    LogSpan o[8];
    static const struct {
        const char *line;
        int32_t want;
    } cases[] = {
        {"", LOG_ERR_EMPTY_LINE},
        {"\n", LOG_ERR_EMPTY_LINE},
        {"\r\n", LOG_ERR_EMPTY_LINE},
        {"   ", LOG_ERR_JSON_TRUNCATED},
        {"{\"a\":\"cut in the mid", LOG_ERR_JSON_TRUNCATED},
        {"{\"a\":1", LOG_ERR_JSON_TRUNCATED},
        {"{\"a\":tru", LOG_ERR_JSON_TRUNCATED},
        {"{\"a\":1}x", LOG_ERR_JSON_TRAILING_DATA},
        {"{\"a\":1}{\"a\":2}", LOG_ERR_JSON_TRAILING_DATA},
        {"[1,2]", LOG_ERR_JSON_NOT_OBJECT},
        {"\"a\"", LOG_ERR_JSON_NOT_OBJECT},
        {"42", LOG_ERR_JSON_NOT_OBJECT},
        {"null", LOG_ERR_JSON_NOT_OBJECT},
        {"{\"a\":\"\xff\"}", LOG_ERR_JSON_INVALID_UTF8},
        {"{\"a\":\"\xc0\xaf\"}", LOG_ERR_JSON_INVALID_UTF8},     /* overlong */
        {"{\"a\":\"\xed\xa0\x80\"}", LOG_ERR_JSON_INVALID_UTF8}, /* surrogate */
        {"{\"\xff\":1}", LOG_ERR_JSON_INVALID_UTF8},             /* in a key */
        {"{\"a\":\"\xc3", LOG_ERR_JSON_TRUNCATED},
        {"{a:1}", LOG_ERR_JSON_SYNTAX},
        {"{\"a\":1,}", LOG_ERR_JSON_SYNTAX},
        {"{\"a\":01}", LOG_ERR_JSON_SYNTAX},
        {"{\"a\":[1 2]}", LOG_ERR_JSON_SYNTAX},
        {"{\"a\":1.}", LOG_ERR_JSON_BAD_NUMBER},
        {"{\"a\":-}", LOG_ERR_JSON_BAD_NUMBER},
        {"{\"a\":\"\\q\"}", LOG_ERR_JSON_BAD_STRING},
        {"{\"a\":\"\t\"}", LOG_ERR_JSON_BAD_STRING},
        {"{\"a\":\"\\u12G4\"}", LOG_ERR_JSON_BAD_STRING},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int32_t rc = checked_parse(p, cases[k].line, strlen(cases[k].line), o, 8);
        if (!CHECK_EQ(rc, cases[k].want))
            fprintf(stderr, "  line: \"%s\"\n", cases[k].line);
        int absent = 1;
        for (int i = 0; i < 4; i++)
            absent &= o[i].off == LOG_SPAN_ABSENT && o[i].len == 0 && o[i].flags == 0;
        CHECK(absent);
    }

    /* A valid line cut at every byte: always an error, never a value. */
    const char *l = "{\"a\":\"x\\\"y\",\"b\":{\"c\":12.5e-1},\"items\":[{\"id\":true},{\"id\":2}],"
                    "\"a.b\":null}";
    CHECK_EQ(checked_parse(p, l, slen(l), o, 8), 4);
    int bad_cuts = 0;
    for (size_t cut = 0; cut < slen(l); cut++) {
        int32_t rc = checked_parse(p, l, cut, o, 8);
        if (rc >= 0) {
            fprintf(stderr, "  cut %zu parsed: %d\n", cut, (int)rc);
            bad_cuts++;
        }
    }
    CHECK_EQ(bad_cuts, 0);
    CHECK_EQ(checked_parse(p, l, slen(l) / 2, o, 8), LOG_ERR_JSON_TRUNCATED);

    /* Depth: LOG_MAX_JSON_DEPTH levels are fine, one more is not; 100,000
     * levels are refused without a crash (no recursion). */
    size_t n;
    char *s = nested("[", "1", "]", LOG_MAX_JSON_DEPTH - 1, &n);
    char *line = malloc(n + 6);
    memcpy(line, "{\"a\":", 5);
    memcpy(line + 5, s, n);
    line[n + 5] = '}';
    CHECK_EQ(checked_parse(p, line, n + 6, o, 8), 1);
    CHECK(o[0].off == 5 && o[0].len == n && o[0].flags == LOG_TYPE_ARRAY);
    free(s);
    free(line);
    s = nested("[", "1", "]", LOG_MAX_JSON_DEPTH, &n);
    line = malloc(n + 6);
    memcpy(line, "{\"a\":", 5);
    memcpy(line + 5, s, n);
    line[n + 5] = '}';
    CHECK_EQ(checked_parse(p, line, n + 6, o, 8), LOG_ERR_JSON_TOO_DEEP);
    free(s);
    free(line);
    s = nested("[", "", "", 100000, &n);
    CHECK_EQ(checked_parse(p, s, n, o, 8), LOG_ERR_JSON_TOO_DEEP);
    free(s);
    s = nested("{\"a\":", "1", "}", 100000, &n); /* along a projected path */
    CHECK_EQ(checked_parse(p, s, n, o, 8), LOG_ERR_JSON_TOO_DEEP);
    free(s);
    log_parser_free(p);

    /* The deepest projectable path (32 segments) inside deeper nesting. */
    char spec[5 + 2 * 32 + 1] = "json:";
    for (int i = 0; i < 32; i++)
        strcat(spec, i ? ".a" : "a");
    p = new_parser(spec);
    if (p == NULL)
        return;
    s = nested("{\"a\":", "1", "}", 40, &n);
    CHECK_EQ(checked_parse(p, s, n, o, 8), 1);
    CHECK(o[0].off == 32 * 5 && o[0].len == 8 * 5 + 1 + 8 && o[0].flags == LOG_TYPE_OBJECT);
    free(s);
    s = nested("{\"a\":", "1", "}", 32, &n);
    CHECK_EQ(checked_parse(p, s, n, o, 8), 1);
    CHECK_SPAN(s, o[0], 32 * 5, "1", LOG_TYPE_NUMBER);
    free(s);
    log_parser_free(p);
}

/* ------------------------------------------------------------ status */

/* Every `LOG_ERR_NAME = -N` of include/logspan.h, so that codes added to
 * the header later are covered without editing this file. */
static size_t header_codes(int32_t *codes, char (*names)[64], size_t cap) {
    size_t len, n = 0;
    uint8_t *h = read_file("include/logspan.h", &len);
    if (h == NULL)
        return 0;
    char *text = malloc(len + 1);
    memcpy(text, h, len);
    text[len] = 0;
    free(h);
    for (const char *p = text; (p = strstr(p, "LOG_ERR_")) != NULL; p++) {
        size_t k = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        if (strncmp(p + k, " = -", 4) != 0 || n == cap || k >= 64)
            continue;
        memcpy(names[n], p, k);
        names[n][k] = 0;
        codes[n++] = (int32_t)strtol(p + k + 3, NULL, 10);
    }
    free(text);
    return n;
}

static void status_and_version(void) {
    /* The codes this suite uses must exist with these names (compile
     * time) and be in the header's list (run time). */
    static const int32_t used[] = {
        LOG_ERR_NULL_ARGUMENT,        LOG_ERR_PANIC,
        LOG_ERR_LINE_TOO_LONG,        LOG_ERR_OUTPUT_TOO_SMALL,
        LOG_ERR_INVALID_SPEC,         LOG_ERR_INVALID_ARGUMENT,
        LOG_ERR_EMPTY_LINE,           LOG_ERR_ACCESS_MISSING_FIELD,
        LOG_ERR_ACCESS_BAD_TIME,      LOG_ERR_ACCESS_BAD_QUOTE,
        LOG_ERR_ACCESS_UNTERMINATED_QUOTE, LOG_ERR_ACCESS_BAD_STATUS,
        LOG_ERR_ACCESS_BAD_BYTES,     LOG_ERR_ACCESS_TRUNCATED,
        LOG_ERR_ACCESS_TRAILING_DATA, LOG_ERR_JSON_SYNTAX,
        LOG_ERR_JSON_NOT_OBJECT,      LOG_ERR_JSON_TOO_DEEP,
        LOG_ERR_JSON_INVALID_UTF8,    LOG_ERR_JSON_TRUNCATED,
        LOG_ERR_JSON_TRAILING_DATA,   LOG_ERR_JSON_BAD_STRING,
        LOG_ERR_JSON_BAD_NUMBER,
    };
    enum { CAP = 512 };
    static int32_t errs[CAP];
    static char names[CAP][64];
    size_t nerr = header_codes(errs, names, CAP);
    if (!CHECK(nerr >= sizeof used / sizeof used[0]))
        fprintf(stderr, "  found %zu LOG_ERR_* codes in include/logspan.h\n", nerr);
    for (size_t u = 0; u < sizeof used / sizeof used[0]; u++) {
        int found = 0;
        for (size_t i = 0; i < nerr; i++)
            found |= errs[i] == used[u];
        if (!CHECK(found))
            fprintf(stderr, "  code %d not in the header\n", (int)used[u]);
    }

    /* An unknown code: one that the header does not list. */
    int32_t unknown_code = -1;
    const char *unknown = log_status_str(unknown_code);
    CHECK(unknown != NULL && unknown[0] != 0 && strcmp(unknown, "ok") != 0);
    for (size_t i = 0; i < nerr; i++) {
        const char *s = log_status_str(errs[i]);
        if (!CHECK(s != NULL && s[0] != 0)) {
            fprintf(stderr, "  %s\n", names[i]);
            continue;
        }
        CHECK(strcmp(s, "ok") != 0);
        if (!CHECK(strcmp(s, unknown) != 0))
            fprintf(stderr, "  %s (%d) reads as an unknown code: \"%s\"\n", names[i],
                    (int)errs[i], s);
        CHECK(log_status_str(errs[i]) == s); /* static */
        for (size_t j = 0; j < i; j++)
            if (!CHECK(strcmp(s, log_status_str(errs[j])) != 0))
                fprintf(stderr, "  %s and %s share \"%s\"\n", names[i], names[j], s);
    }
    static const int32_t unknowns[] = {-2, -999, -1000, -1009, -1011, -1100, -1199,
                                       -1299, -1999, -5000, -65536, INT32_MIN};
    for (size_t i = 0; i < sizeof unknowns / sizeof unknowns[0]; i++) {
        int listed = 0;
        for (size_t j = 0; j < nerr; j++)
            listed |= errs[j] == unknowns[i];
        if (listed)
            continue; /* became a real code */
        const char *s = log_status_str(unknowns[i]);
        CHECK(s != NULL && s[0] != 0 && strcmp(s, "ok") != 0);
        CHECK(s != NULL && strcmp(s, unknown) == 0); /* one text for all unknown codes */
    }
    static const int32_t oks[] = {LOG_OK, 1, 12, 4096, INT32_MAX};
    for (size_t i = 0; i < sizeof oks / sizeof oks[0]; i++)
        CHECK_STR(log_status_str(oks[i]), "ok");
    note("  %zu LOG_ERR_* codes in the header, each with its own text", nerr);

    const char *v = log_version();
    CHECK(v != NULL && v[0] >= '0' && v[0] <= '9' && strchr(v, '.') != NULL);
    note("  library version %s, ABI %u", v ? v : "(NULL)", (unsigned)log_abi_version());
    CHECK_EQ(log_abi_version(), LOG_ABI_VERSION);

    /* The struct layouts are part of the ABI. */
    CHECK_EQ(sizeof(LogSpan), 12);
    CHECK_EQ(offsetof(LogSpan, len), 4);
    CHECK_EQ(offsetof(LogSpan, flags), 8);
    CHECK_EQ(sizeof(LogLine), 12);
    CHECK_EQ(offsetof(LogLine, status), 8);
    CHECK_EQ(offsetof(LogBatchResult, lines), sizeof(size_t));
    LogSpan absent = LogSpan_ABSENT;
    CHECK_ABSENT(absent);
}

void test_spec(void) {
    good_specs();
    bad_specs();
    err_buf_truncation();
}

void test_fields(void) { fields(); }

void test_parse(void) {
    output_capacity();
    access_specs();
    json_projection();
    json_duplicates();
    json_invalid();
}

void test_status_version(void) { status_and_version(); }

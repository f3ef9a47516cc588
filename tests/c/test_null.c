/* NULL handling, for every function of the API:
 *  - a (NULL, 0) buffer is an empty input;
 *  - a (NULL, n > 0) buffer is LOG_ERR_NULL_ARGUMENT;
 *  - NULL output pointers and NULL parsers give the documented code/value;
 *  - log_parser_free(NULL) does nothing. */
#include <stdio.h>
#include <string.h>

#include "check.h"

static const char LINE[] = "1.2.3.4 - - [t] \"GET / HTTP/1.1\" 200 1 \"-\" \"ua\"\n";

static void null_fast(void) {
    LogSpan f[LOG_FAST_FIELDS];
    fill_garbage(f, LOG_FAST_FIELDS);
    CHECK_EQ(log_parse_fast(NULL, 0, f), LOG_ERR_EMPTY_LINE);
    /* An empty line is a parse error: all 12 spans absent. */
    CHECK_EQ(count_present(f, LOG_FAST_FIELDS), 0);
    for (int i = 0; i < LOG_FAST_FIELDS; i++)
        CHECK_ABSENT(f[i]);
    CHECK_EQ(log_parse_fast(NULL, 10, f), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_parse_fast((const uint8_t *)LINE, sizeof LINE - 1, NULL), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_parse_fast(NULL, 0, NULL), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_parse_fast(NULL, 10, NULL), LOG_ERR_NULL_ARGUMENT);
    /* A non-NULL pointer with length 0 is the same empty input. */
    CHECK_EQ(log_parse_fast((const uint8_t *)LINE, 0, f), LOG_ERR_EMPTY_LINE);
}

static void null_parser_new(void) {
    LogParser *p = (LogParser *)(uintptr_t)0x1234; /* must stay untouched */
    LogParser *const sentinel = p;
    uint8_t err[128];

    /* (NULL, 0) is the empty spec: invalid, with a message. */
    memset(err, 0xAA, sizeof err);
    CHECK_EQ(log_parser_new(NULL, 0, &p, err, sizeof err), LOG_ERR_INVALID_SPEC);
    CHECK(p == sentinel);
    CHECK(memchr(err, 0, sizeof err) != NULL && err[0] != 0);
    CHECK(strstr((const char *)err, "byte 0") != NULL);

    /* (NULL, n > 0): NULL argument, still a NUL-terminated message. */
    memset(err, 0xAA, sizeof err);
    CHECK_EQ(log_parser_new(NULL, 8, &p, err, sizeof err), LOG_ERR_NULL_ARGUMENT);
    CHECK(p == sentinel);
    CHECK(memchr(err, 0, sizeof err) != NULL && err[0] != 0);

    /* out == NULL, with a valid spec: nothing can be returned. */
    memset(err, 0xAA, sizeof err);
    CHECK_EQ(log_parser_new((const uint8_t *)"access", 6, NULL, err, sizeof err),
             LOG_ERR_NULL_ARGUMENT);
    CHECK(memchr(err, 0, sizeof err) != NULL && err[0] != 0);
    CHECK_EQ(log_parser_new(NULL, 0, NULL, NULL, 0), LOG_ERR_NULL_ARGUMENT);

    /* err_buf == NULL is fine, whatever err_cap says. */
    CHECK_EQ(log_parser_new((const uint8_t *)"nope", 4, &p, NULL, 64), LOG_ERR_INVALID_SPEC);
    CHECK(p == sentinel);
    CHECK_EQ(log_parser_new(NULL, 5, &p, NULL, 64), LOG_ERR_NULL_ARGUMENT);
    CHECK(p == sentinel);
    p = NULL;
    CHECK_EQ(log_parser_new((const uint8_t *)"access", 6, &p, NULL, 64), LOG_OK);
    CHECK(p != NULL);
    log_parser_free(p);

    /* err_cap == 0 with a buffer: nothing written. */
    memset(err, 0xAA, sizeof err);
    p = sentinel;
    CHECK_EQ(log_parser_new((const uint8_t *)"nope", 4, &p, err, 0), LOG_ERR_INVALID_SPEC);
    CHECK(p == sentinel);
    int untouched = 1;
    for (size_t i = 0; i < sizeof err; i++)
        untouched &= err[i] == 0xAA;
    CHECK(untouched);

    log_parser_free(NULL); /* documented no-op */
    CHECK(1);
}

static void null_parser_queries(LogParser *p) {
    size_t len = 777;
    CHECK_EQ(log_parser_field_count(NULL), 0);
    CHECK(log_parser_field_name(NULL, 0, &len) == NULL);
    CHECK(log_parser_field_name(NULL, 0, NULL) == NULL);
    /* len_out == NULL is allowed. */
    CHECK_STR(log_parser_field_name(p, 0, NULL), "remote_addr");

    CHECK_EQ(log_parser_field_index(NULL, (const uint8_t *)"status", 6), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_parser_field_index(NULL, NULL, 0), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_parser_field_index(p, NULL, 6), LOG_ERR_NULL_ARGUMENT);
    /* (NULL, 0) is the empty name: no field has it. */
    CHECK_EQ(log_parser_field_index(p, NULL, 0), LOG_ERR_INVALID_ARGUMENT);
}

static void null_parse(LogParser *p) {
    LogSpan f[LOG_FAST_FIELDS];
    const uint8_t *line = (const uint8_t *)LINE;
    size_t n = sizeof LINE - 1;

    CHECK_EQ(log_parser_parse(NULL, line, n, f, LOG_FAST_FIELDS), LOG_ERR_NULL_ARGUMENT);
    CHECK_EQ(log_parser_parse(NULL, NULL, 0, NULL, 0), LOG_ERR_NULL_ARGUMENT);

    fill_garbage(f, LOG_FAST_FIELDS);
    CHECK_EQ(log_parser_parse(p, NULL, 0, f, LOG_FAST_FIELDS), LOG_ERR_EMPTY_LINE);
    CHECK_EQ(count_present(f, LOG_FAST_FIELDS), 0);
    for (int i = 0; i < LOG_FAST_FIELDS; i++)
        CHECK_ABSENT(f[i]);
    CHECK_EQ(log_parser_parse(p, NULL, 3, f, LOG_FAST_FIELDS), LOG_ERR_NULL_ARGUMENT);
    /* A NULL output of capacity 0 is just too small; of capacity > 0 it
     * is a NULL argument. */
    CHECK_EQ(log_parser_parse(p, line, n, NULL, 0), LOG_ERR_OUTPUT_TOO_SMALL);
    CHECK_EQ(log_parser_parse(p, line, n, NULL, LOG_FAST_FIELDS), LOG_ERR_NULL_ARGUMENT);
    /* And the same line parses when everything is given. */
    CHECK_EQ(log_parser_parse(p, line, n, f, LOG_FAST_FIELDS), 9);
}

static void null_batch(LogParser *p) {
    LogLine lines[4];
    LogSpan fields[4 * LOG_FAST_FIELDS];
    LogBatchResult r, canary;
    memset(&canary, 0x5C, sizeof canary);
    const uint8_t *buf = (const uint8_t *)LINE;
    size_t n = sizeof LINE - 1;

#define RESULT_UNTOUCHED() CHECK(memcmp(&r, &canary, sizeof r) == 0)
    r = canary;
    CHECK_EQ(log_parser_parse_batch(NULL, buf, n, 0, lines, 4, fields, 48, &r),
             LOG_ERR_NULL_ARGUMENT);
    RESULT_UNTOUCHED();
    CHECK_EQ(log_parser_parse_batch(p, buf, n, 0, lines, 4, fields, 48, NULL),
             LOG_ERR_NULL_ARGUMENT);
    r = canary;
    CHECK_EQ(log_parser_parse_batch(p, NULL, 5, 0, lines, 4, fields, 48, &r),
             LOG_ERR_NULL_ARGUMENT);
    RESULT_UNTOUCHED();
    r = canary;
    CHECK_EQ(log_parser_parse_batch(p, buf, n, 0, NULL, 4, fields, 48, &r),
             LOG_ERR_NULL_ARGUMENT);
    RESULT_UNTOUCHED();
    r = canary;
    CHECK_EQ(log_parser_parse_batch(p, buf, n, 0, lines, 4, NULL, 48, &r),
             LOG_ERR_NULL_ARGUMENT);
    RESULT_UNTOUCHED();
#undef RESULT_UNTOUCHED

    /* (NULL, 0) is an empty buffer: nothing to do, not full. */
    r = canary;
    CHECK_EQ(log_parser_parse_batch(p, NULL, 0, 0, lines, 4, fields, 48, &r), LOG_OK);
    CHECK(r.consumed == 0 && r.lines == 0 && r.errors == 0 && r.full == 0);
    r = canary;
    CHECK_EQ(log_parser_parse_batch(p, NULL, 0, LOG_BATCH_END_OF_INPUT, NULL, 0, NULL, 0, &r),
             LOG_OK);
    CHECK(r.consumed == 0 && r.lines == 0 && r.errors == 0 && r.full == 0);

    /* NULL outputs of capacity 0: valid, and full as soon as a line waits. */
    r = canary;
    CHECK_EQ(log_parser_parse_batch(p, buf, n, 0, NULL, 0, NULL, 0, &r), LOG_OK);
    CHECK(r.consumed == 0 && r.lines == 0 && r.errors == 0 && r.full == 1);
    r = canary;
    CHECK_EQ(log_parser_parse_batch(p, buf, n, 0, lines, 4, NULL, 0, &r), LOG_OK);
    CHECK(r.consumed == 0 && r.lines == 0 && r.full == 1);
}

void test_null(void) {
    null_fast();
    null_parser_new();
    LogParser *p = new_parser("access");
    if (p == NULL)
        return;
    null_parser_queries(p);
    null_parse(p);
    null_batch(p);
    log_parser_free(p);
}

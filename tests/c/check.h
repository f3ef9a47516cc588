/*
 * The tiny test harness shared by every file in tests/c/ (all of them are
 * linked into one binary, build/c/test_contract; main.c holds main()).
 *
 * CHECK(expr) counts one check; a failure prints file:line and the failing
 * expression and the run goes on, so one run reports every failure. The
 * binary prints "N passed, M failed" last and exits non-zero when M > 0.
 *
 * The checked_* wrappers call the library on a private, exact-size heap copy
 * of the input (so ASan and valgrind see any read past the end) and check
 * the invariants every call must keep: the input is not modified, every
 * span lies inside the buffer, absent spans are {LOG_SPAN_ABSENT, 0, 0},
 * the return value equals the number of present spans, and on an error all
 * spans are absent.
 */
#ifndef LOGSPAN_TEST_CHECK_H
#define LOGSPAN_TEST_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "logspan.h"

extern long check_passed;
extern long check_failed;

/* Record one check; returns ok so callers can skip dependent checks. */
int check_at(const char *file, int line, int ok, const char *expr);
int check_eq_at(const char *file, int line, long long got, long long want,
                const char *got_expr, const char *want_expr);
int check_str_at(const char *file, int line, const char *got, const char *want,
                 const char *got_expr);
int check_span_at(const char *file, int line, const uint8_t *buf, LogSpan got,
                  uint32_t off, const char *text, uint32_t flags);
int check_absent_at(const char *file, int line, LogSpan got);

#define CHECK(expr) check_at(__FILE__, __LINE__, (expr) ? 1 : 0, #expr)
#define CHECK_EQ(got, want) \
    check_eq_at(__FILE__, __LINE__, (long long)(got), (long long)(want), #got, #want)
#define CHECK_STR(got, want) check_str_at(__FILE__, __LINE__, (got), (want), #got)
/* The span is at `off`, its bytes are `text` (NUL-terminated), and its
 * flags are exactly `flags`. */
#define CHECK_SPAN(buf, span, off, text, flags) \
    check_span_at(__FILE__, __LINE__, (const uint8_t *)(buf), (span), (off), (text), (flags))
#define CHECK_ABSENT(span) check_absent_at(__FILE__, __LINE__, (span))

/* Print a note about the current check group (shown in every run). */
void note(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* ---- helpers -------------------------------------------------------- */

/* An exact-size heap copy of `len` bytes (NULL when len == 0). */
uint8_t *dup_bytes(const void *src, size_t len);
/* strlen() for string literals used as inputs. */
size_t slen(const char *s);
/* Read a whole file; NULL when it cannot be opened. Free with free(). */
uint8_t *read_file(const char *path, size_t *len_out);
/* A parser for `spec` (a NUL-terminated string); NULL (and a failed
 * check) when the library rejects it. */
LogParser *new_parser(const char *spec);
/* Number of present spans. */
int count_present(const LogSpan *spans, size_t n);

/* ---- checked calls (see the file comment) ----------------------------- */

int32_t checked_fast_at(const char *file, int line, const void *buf, size_t len,
                        LogSpan out[LOG_FAST_FIELDS]);
int32_t checked_parse_at(const char *file, int line, const LogParser *p,
                         const void *buf, size_t len, LogSpan *out, size_t out_cap);

#define checked_fast(buf, len, out) checked_fast_at(__FILE__, __LINE__, (buf), (len), (out))
#define checked_parse(p, buf, len, out, cap) \
    checked_parse_at(__FILE__, __LINE__, (p), (buf), (len), (out), (cap))

/* Fill spans with a recognisable garbage value (not absent). */
void fill_garbage(LogSpan *spans, size_t n);

/* ---- test groups (one function per concept, run by main.c) ------------ */

void test_fast(void);          /* test_fast.c: log_parse_fast */
void test_null(void);          /* test_null.c: NULL handling, every function */
void test_spec(void);          /* test_parser.c: log_parser_new, specs, err_buf */
void test_fields(void);        /* test_parser.c: field count / name / index */
void test_parse(void);         /* test_parser.c: log_parser_parse, JSON */
void test_status_version(void);/* test_parser.c: log_status_str, versions, ABI */
void test_batch(void);         /* test_batch.c: log_parser_parse_batch */
void test_threads(void);       /* test_threads.c: one parser, 4 pthreads */
void test_agreement(void);     /* test_agreement.c: tests/agreement/expected.txt */
void test_corpus(void);        /* test_corpus.c: the real Apache log */
void test_bad_input(void);     /* test_bad_input.c: the bad-input matrix */
void test_values_syslog(void);  /* test_values_syslog.c: log_value_*, log_time_*, unescape, syslog */

#endif /* LOGSPAN_TEST_CHECK_H */

/* One parser shared by 4 threads parsing the same batch at once: a
 * LogParser is immutable, so every thread must get exactly the results
 * of a single-threaded run. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

enum { THREADS = 4, ROUNDS = 25, LINES = 400 };

struct job {
    const LogParser *parser;
    const uint8_t *buf;
    size_t len;
    const LogLine *want_lines;
    const LogSpan *want_fields;
    size_t want_n;
    int mismatches; /* written by the thread, read after join */
};

static void *worker(void *arg) {
    struct job *j = arg;
    size_t nf = log_parser_field_count(j->parser);
    LogLine *lines = malloc(LINES * sizeof *lines);
    LogSpan *fields = malloc(LINES * nf * sizeof *fields);
    LogSpan one[LOG_FAST_FIELDS];
    for (int round = 0; round < ROUNDS; round++) {
        LogBatchResult r;
        memset(lines, 0, LINES * sizeof *lines);
        int32_t rc = log_parser_parse_batch(j->parser, j->buf, j->len, LOG_BATCH_END_OF_INPUT,
                                            lines, LINES, fields, LINES * nf, &r);
        if (rc != LOG_OK || r.lines != j->want_n ||
            memcmp(lines, j->want_lines, r.lines * sizeof *lines) != 0 ||
            memcmp(fields, j->want_fields, r.lines * nf * sizeof *fields) != 0)
            j->mismatches++;
        /* And one-line parses with the same parser, interleaved. */
        size_t k = (size_t)round % j->want_n;
        rc = log_parser_parse(j->parser, j->buf + j->want_lines[k].off, j->want_lines[k].len, one,
                              LOG_FAST_FIELDS);
        if (rc != j->want_lines[k].status)
            j->mismatches++;
    }
    free(lines);
    free(fields);
    return NULL;
}

void test_threads(void) {
    static const char *const samples[] = {
        "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
        "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"\n",
        "2001:db8::1 - - [01/Jan/2024:00:00:00 +0100] \"POST /api?id=%2F1 HTTP/2.0\" 201 -\r\n",
        "10.0.0.2 - - [t] \"\\x16\\x03\\x01\" 400 226 \"-\" \"-\"\n",
        "10.0.0.5 - - [t] \"GET / HTTP/1.1\" 200 5 \"-\" \"cut in the middle\n",
        "\n",
    };
    enum { NS = sizeof samples / sizeof samples[0] };
    size_t len = 0;
    for (int i = 0; i < LINES; i++)
        len += strlen(samples[i % NS]);
    uint8_t *buf = malloc(len);
    size_t at = 0;
    for (int i = 0; i < LINES; i++) {
        size_t l = strlen(samples[i % NS]);
        memcpy(buf + at, samples[i % NS], l);
        at += l;
    }
    uint8_t *copy = dup_bytes(buf, len);

    LogParser *p = new_parser("access");
    if (p == NULL) {
        free(buf);
        free(copy);
        return;
    }
    LogLine *want_lines = malloc(LINES * sizeof *want_lines);
    LogSpan *want_fields = malloc(LINES * LOG_FAST_FIELDS * sizeof *want_fields);
    LogBatchResult r;
    CHECK_EQ(log_parser_parse_batch(p, buf, len, LOG_BATCH_END_OF_INPUT, want_lines, LINES,
                                    want_fields, LINES * LOG_FAST_FIELDS, &r),
             LOG_OK);
    CHECK_EQ(r.lines, LINES);
    CHECK_EQ(r.errors, 2 * LINES / NS);

    struct job jobs[THREADS];
    pthread_t tids[THREADS];
    int started = 0;
    for (int t = 0; t < THREADS; t++) {
        jobs[t] = (struct job){p, buf, len, want_lines, want_fields, r.lines, 0};
        if (CHECK_EQ(pthread_create(&tids[t], NULL, worker, &jobs[t]), 0))
            started++;
        else
            break;
    }
    for (int t = 0; t < started; t++) {
        CHECK_EQ(pthread_join(tids[t], NULL), 0);
        if (!CHECK_EQ(jobs[t].mismatches, 0))
            fprintf(stderr, "  thread %d saw different results\n", t);
    }
    CHECK_EQ(started, THREADS);
    CHECK(memcmp(buf, copy, len) == 0); /* the shared input is untouched */
    log_parser_free(p);                 /* after every thread is done */
    free(want_lines);
    free(want_fields);
    free(buf);
    free(copy);
}

/* C tests of the logspan ABI contract (include/logspan.h).
 *
 * Every .c file of tests/c/ is linked into one binary (build/c/test_contract),
 * built three ways by `make test-c`: plain, with ASan+UBSan, and run under
 * valgrind memcheck. Run it from the repository root: it reads
 * tests/agreement/expected.txt and ../shared/corpora/... by relative path.
 *
 * Output: one line per group, failures as file:line: CHECK failed: ...,
 * and last "N passed, M failed"; the exit status is non-zero on failure. */
#include <stdio.h>

#include "check.h"

static void run(const char *name, void (*group)(void)) {
    long before_fail = check_failed, before_pass = check_passed;
    group();
    printf("%-58s %6ld checks%s\n", name, (check_passed - before_pass) + (check_failed - before_fail),
           check_failed > before_fail ? "  FAILED" : "");
    fflush(stdout);
}

int main(void) {
    /* A stale library is the first thing to rule out. */
    if (log_abi_version() != LOG_ABI_VERSION) {
        fprintf(stderr, "liblogspan ABI %u, header ABI %u: rebuild the library\n",
                (unsigned)log_abi_version(), (unsigned)LOG_ABI_VERSION);
        return 1;
    }
    run("log_parse_fast: spans, errors, truncation", test_fast);
    run("NULL handling of every function", test_null);
    run("log_parser_new: specs, messages, err_buf", test_spec);
    run("field count / name / index", test_fields);
    run("log_parser_parse: capacity, JSON projection, invalid JSON", test_parse);
    run("log_status_str, versions, struct layout", test_status_version);
    run("log_parser_parse_batch", test_batch);
    run("one parser, 4 threads", test_threads);
    run("cross-language agreement (tests/agreement/expected.txt)", test_agreement);
    run("real Apache log (elastic-examples/apache_logs)", test_corpus);
    run("bad-input matrix (NULL, empty, NUL, UTF-8, 16 MiB, deep, regex, stream)", test_bad_input);
    run("typed values, unescaping, syslog PRI and SD cursor", test_values_syslog);

    printf("%ld passed, %ld failed\n", check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

package logspan_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	logspan "github.com/logspan/logspan/go-bindings"
)

func ExampleParseFast() {
	line := []byte(`10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0"`)
	var fields [logspan.FastFields]logspan.Span
	n, err := logspan.ParseFast(line, &fields)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("present:", n) // ident, remote_user and referer are "-": absent
	fmt.Printf("path=%s status=%s\n", fields[logspan.FieldPath].Bytes(line), fields[logspan.FieldStatus].Bytes(line))
	fmt.Println("referer present:", fields[logspan.FieldReferer].Present())
	// Output:
	// present: 9
	// path=/index.html status=200
	// referer present: false
}

func ExampleParser_Parse() {
	p, err := logspan.NewParser("json:level,msg,http.status,user.id")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	status, _ := p.FieldIndex("http.status") // resolve names once

	out := make([]logspan.Span, p.NumFields())
	line := []byte(`{"level":"warn","msg":"slow \"db\"","http":{"status":503}}`)
	if _, err := p.Parse(line, out); err != nil {
		log.Fatal(err)
	}
	for i, s := range out {
		if !s.Present() {
			fmt.Printf("%-11s absent\n", p.FieldName(i))
			continue
		}
		fmt.Printf("%-11s %-6v escaped=%-5v %s\n", p.FieldName(i), s.JSONType(), s.Escaped(), s.Bytes(line))
	}
	fmt.Println("status:", string(out[status].Bytes(line)))

	_, err = p.Parse([]byte(`{"level":"warn","msg":"cut in`), out)
	fmt.Println(errors.Is(err, logspan.ErrJSONTruncated), err)
	// Output:
	// level       string escaped=false warn
	// msg         string escaped=true  slow \"db\"
	// http.status number escaped=false 503
	// user.id     absent
	// status: 503
	// true logspan: json: line ends inside a value
}

func ExampleBatch() {
	p, err := logspan.NewParser("access")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	buf := []byte(`10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"
10.0.0.2 - alice [01/Jan/2024:00:00:01 +0000] "POST /login HTTP/1.1" 302 0 "-" "Firefox/125.0"
10.0.0.3 - - [01/Jan/2024:00:00:02 +0000] "GET /cut-in-ha
10.0.0.4 - - [01/Jan/2024:00:00:03 +0000] "GET /x HTTP/1.1" 404 12
`)
	b := logspan.NewBatch(p, 256) // reuse it: its arrays are allocated once
	for len(buf) > 0 {
		consumed, err := b.Parse(buf, true) // one call into the library for the whole batch
		if err != nil {
			log.Fatal(err)
		}
		for i := range b.Len() {
			l := b.Line(i)
			if err := l.Err(); err != nil {
				fmt.Println(err)
				continue
			}
			fmt.Printf("%s %s %s\n", l.Field(logspan.FieldRemoteAddr), l.Field(logspan.FieldStatus), l.Field(logspan.FieldPath))
		}
		buf = buf[consumed:]
	}
	// Output:
	// 10.0.0.1 200 /
	// 10.0.0.2 302 /login
	// logspan: line 3 (byte offset 179): access log: quoted field has no closing quote
	// 10.0.0.4 404 /x
}

func ExampleReader() {
	p, err := logspan.NewParser("json:level,msg")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	input := strings.NewReader("{\"level\":\"INFO\",\"msg\":\"started\"}\r\n" +
		"{\"level\":\"ERROR\",\"msg\":\"disk full\"}\n" +
		"not json\n" +
		"{\"level\":\"INFO\",\"msg\":\"no newline at the end\"}")

	r := logspan.NewReader(input, p) // any io.Reader: a file, a pipe
	for r.Next() {
		l := r.Line()
		if err := l.Err(); err != nil {
			fmt.Println("skipped:", err)
			continue
		}
		fmt.Printf("%d: [%s] %s\n", l.Number(), l.Field(0), l.Field(1))
	}
	if err := r.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1: [INFO] started
	// 2: [ERROR] disk full
	// skipped: logspan: line 3 (byte offset 70): json: syntax error
	// 4: [INFO] no newline at the end
}

// The "auto" spec tells formats apart per line and projects common fields;
// the first field's Flags says which format matched.
func ExampleNewParser_auto() {
	p, err := logspan.NewParser("auto")
	if err != nil {
		panic(err)
	}
	defer p.Close()
	msg, _ := p.FieldIndex("message")
	b := logspan.NewBatch(p, 16)
	buf := []byte(`{"level":"info","msg":"from json"}
<13>Oct 11 22:14:15 host app[42]: from syslog
level=warn msg="from logfmt"
10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 5
`)
	if _, err := b.Parse(buf, true); err != nil {
		panic(err)
	}
	for i := 0; i < b.Len(); i++ {
		l := b.Line(i)
		fmt.Printf("%-10v %s\n", logspan.Format(l.Span(0).Flags), l.Field(msg))
	}
	// Output:
	// json       from json
	// syslog3164 from syslog
	// logfmt     from logfmt
	// access     GET /x HTTP/1.1
}

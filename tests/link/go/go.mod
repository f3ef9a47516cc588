module logspan.test/link

go 1.22

require github.com/logspan/logspan/go-bindings v0.0.0

replace github.com/logspan/logspan/go-bindings => ../../../go-bindings

module github.com/logspan/logspan/go-bindings

go 1.22

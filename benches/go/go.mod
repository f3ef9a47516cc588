module github.com/logspan/logspan/benches/go

go 1.25.0

require (
	github.com/buger/jsonparser v1.6.1
	github.com/bytedance/sonic v1.15.5
	github.com/go-logfmt/logfmt v0.6.1
	github.com/leodido/go-syslog/v4 v4.6.0
	github.com/logspan/logspan/go-bindings v0.0.0
	github.com/minio/simdjson-go v0.4.5
	github.com/valyala/fastjson v1.6.10
)

require (
	github.com/bytedance/gopkg v0.1.3 // indirect
	github.com/bytedance/sonic/loader v0.5.3 // indirect
	github.com/cloudwego/base64x v0.1.6 // indirect
	github.com/klauspost/compress v1.15.15 // indirect
	github.com/klauspost/cpuid/v2 v2.2.9 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	github.com/twitchyliquid64/golang-asm v0.15.1 // indirect
	golang.org/x/arch v0.0.0-20210923205945-b76863e36670 // indirect
	golang.org/x/sys v0.44.0 // indirect
)

replace github.com/logspan/logspan/go-bindings => ../../go-bindings

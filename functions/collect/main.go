// Command collect is the collect Lambda function: the tag's POST /e, the
// Segment-compatible /v1/* API, GET /t.js, opt-out and /healthz, behind an
// API Gateway HTTP API or a Function URL.
package main

import (
	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/web"
)

// A bad rules file is logged and does not stop it (web.CoreOptions).
func main() { core.StartHTTP(web.CollectHandler, web.CoreOptions...) }

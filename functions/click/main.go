// Command click is the click Lambda function: tracked newsletter links
// (GET /c/<link>/<token>) and the open pixel (GET /o/<campaign>/<token>.gif).
package main

import (
	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/web"
)

// A bad rules file is logged and does not stop it (web.CoreOptions).
func main() { core.StartHTTP(web.ClickHandler, web.CoreOptions...) }

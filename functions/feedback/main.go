// Command feedback is the feedback function: sales outcomes from Salesforce,
// HubSpot, kintone and signed webhooks (POST /feedback/{source}).
package main

import (
	"github.com/baton-hq/baton/internal/server/core"
	"github.com/baton-hq/baton/internal/server/feedback"
)

func main() { core.StartHTTP(feedback.Handler) }

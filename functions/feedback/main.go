// Command feedback is the feedback function: sales outcomes from Salesforce,
// HubSpot, kintone and signed webhooks (POST /feedback/{source}).
package main

import (
	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/sales"
)

func main() { core.StartHTTP(sales.Handler) }
